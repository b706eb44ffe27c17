using System.Buffers.Binary;
using System.Text;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Storage;

namespace Lockstep.Verifier;

/// <summary>What the verifier concluded about one superbatch.</summary>
public enum VerdictKind
{
    /// <summary>Every claimed state root equals the re-executed one and every outbox root equals its inbox root.</summary>
    Ok,
    /// <summary>Check (1) failed: the claimed state root of <see cref="SuperbatchVerdict.ChainX"/> is not the re-executed one
    /// (the cross roots cannot be proved against a root nobody can open). Off-chain alarm + <c>flagStateRoot</c> on L1.</summary>
    StateRootMismatch,
    /// <summary>Check (2) failed: outbox root for Y on X differs from inbox root for X on Y. Settled trustlessly by <c>challenge</c>.</summary>
    CrossRootMismatch,
    /// <summary>The posted data cannot be derived: bad data hash, undecodable batch, wrong block numbers, an invalid
    /// transaction or delivery in a block. Off-chain alarm (L1 cannot judge it today).</summary>
    InvalidBatch,
    /// <summary>The deposits the blocks execute are not the L1 queue's <c>DepositQueued</c> entries [previous depositCount,
    /// depositCount) in order, field by field (a forged, dropped or reordered deposit). Off-chain alarm.</summary>
    DepositMismatch,
    /// <summary>A derivation rule the roots do not show is broken: a delivery whose <c>sourceTxHash</c> names no emitting
    /// transaction of its source's block, a message not delivered in its superblock, a failed delivery, a missing,
    /// misplaced or non-canonical end-of-block fold. Off-chain alarm.</summary>
    RuleViolation,
}

/// <summary>The verdict on superbatch <paramref name="Index"/>.</summary>
/// <param name="Index">Superbatch index on the inbox.</param>
/// <param name="SuperbatchHash">Its hash (as submitted).</param>
/// <param name="Kind">The verdict.</param>
/// <param name="ChainX">State-root mismatch, deposit mismatch, rule violation: the rollup; cross mismatch: the source X; else 0.</param>
/// <param name="ChainY">Cross mismatch: the destination Y; else 0.</param>
/// <param name="Expected">State root: ours; cross: the outbox root on X.</param>
/// <param name="Claimed">State root: the claimed one; cross: the inbox root on Y.</param>
/// <param name="Detail">Human-readable explanation.</param>
/// <param name="LastBlock">Every rollup's last block in the superbatch.</param>
public sealed record SuperbatchVerdict(ulong Index, Hash256 SuperbatchHash, VerdictKind Kind, ulong ChainX, ulong ChainY, Hash256 Expected, Hash256 Claimed,
    string Detail, ulong LastBlock)
{
    /// <summary>The L1 transaction the verifier sent about it (challenge or flag), if any.</summary>
    public Hash256? ActionTx { get; init; }

    /// <summary>Whether that transaction succeeded on L1 (a challenge: fraud proven, bond slashed, superbatches rejected).</summary>
    public bool ActionSucceeded { get; init; }

    /// <summary>Why the L1 action failed or was not sent (no key, revert reason), if it did.</summary>
    public string? ActionError { get; init; }

    internal byte[] Encode()
    {
        var w = new RlpWriter(256);
        w.StartList().WriteUInt64(Index).WriteHash(SuperbatchHash).WriteUInt64((ulong)Kind).WriteUInt64(ChainX).WriteUInt64(ChainY)
            .WriteHash(Expected).WriteHash(Claimed).WriteBytes(Encoding.UTF8.GetBytes(Detail)).WriteUInt64(LastBlock)
            .WriteBytes(ActionTx is { } h ? h.ToArray() : []).WriteUInt64(ActionSucceeded ? 1UL : 0UL)
            .WriteBytes(Encoding.UTF8.GetBytes(ActionError ?? "")).EndList();
        return w.ToArray();
    }

    internal static SuperbatchVerdict Decode(byte[] bytes)
    {
        var r = new RlpReader(bytes);
        int end = r.ReadListHeader();
        var v = new SuperbatchVerdict(r.ReadUInt64(), r.ReadHash(), (VerdictKind)r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadHash(), r.ReadHash(),
            Encoding.UTF8.GetString(r.ReadBytes()), r.ReadUInt64());
        ReadOnlySpan<byte> tx = r.ReadBytes();
        bool ok = r.ReadUInt64() == 1;
        string error = Encoding.UTF8.GetString(r.ReadBytes());
        r.ExpectEnd(end);
        return v with { ActionTx = tx.Length == 32 ? new Hash256(tx) : null, ActionSucceeded = ok, ActionError = error.Length == 0 ? null : error };
    }
}

/// <summary>
/// Verdicts by superbatch submission (index + hash: after a rejection the same index comes again with another hash),
/// persisted in the verifier's own store (kept when the replicas are rebuilt).
/// </summary>
public sealed class VerdictStore
{
    private static readonly byte[] Prefix = "V/"u8.ToArray();
    private readonly IKeyValueStore _db;
    private readonly Lock _lock = new();
    private readonly List<SuperbatchVerdict> _all = new();

    /// <summary>Loads every stored verdict from <paramref name="db"/>.</summary>
    public VerdictStore(IKeyValueStore db)
    {
        _db = db;
        foreach (KeyValuePair<byte[], byte[]> kv in db.Iterate(Prefix)) _all.Add(SuperbatchVerdict.Decode(kv.Value));
        _all.Sort(static (a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : 0);
    }

    /// <summary>Every verdict, by index (a rejected index can appear more than once: the bad one and its replacement).</summary>
    public IReadOnlyList<SuperbatchVerdict> All
    {
        get { lock (_lock) return _all.ToArray(); }
    }

    /// <summary>The verdict on the submission with this index and hash, null when none.</summary>
    public SuperbatchVerdict? Get(ulong index, Hash256 hash)
    {
        lock (_lock)
            foreach (SuperbatchVerdict v in _all) if (v.Index == index && v.SuperbatchHash == hash) return v;
        return null;
    }

    /// <summary>Records (or replaces) a verdict.</summary>
    public void Put(SuperbatchVerdict verdict)
    {
        lock (_lock)
        {
            _db.Put(Key(verdict.Index, verdict.SuperbatchHash), verdict.Encode());
            _all.RemoveAll(v => v.Index == verdict.Index && v.SuperbatchHash == verdict.SuperbatchHash);
            _all.Add(verdict);
            _all.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        }
    }

    private static byte[] Key(ulong index, Hash256 hash)
    {
        var key = new byte[Prefix.Length + 8 + 32];
        Prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length), index);
        hash.CopyTo(key.AsSpan(Prefix.Length + 8));
        return key;
    }
}
