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
/// persisted in the verifier's own store (kept when the replicas are rebuilt). Memory holds only the most recent
/// <see cref="Window"/> verdicts (a long-running verifier reaches one per superbatch forever); older ones are read from
/// the store on demand (<see cref="Get"/>, <see cref="ReadAt"/>).
/// </summary>
public sealed class VerdictStore
{
    /// <summary>Verdicts kept in memory by default (the RPC status and the explorer show the recent ones).</summary>
    public const int DefaultWindow = 256;

    private static readonly byte[] Prefix = "V/"u8.ToArray();
    private readonly IKeyValueStore _db;
    private readonly Lock _lock = new();
    private readonly List<SuperbatchVerdict> _recent = new();
    private long _count;

    /// <summary>Opens the verdicts stored in <paramref name="db"/>, keeping the newest <paramref name="window"/> in memory.</summary>
    public VerdictStore(IKeyValueStore db, int window = DefaultWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _db = db;
        Window = window;
        // Keys are prefix || index (big-endian) || hash: iteration comes in index order, so the tail is the newest.
        foreach (KeyValuePair<byte[], byte[]> kv in db.Iterate(Prefix))
        {
            _count++;
            _recent.Add(SuperbatchVerdict.Decode(kv.Value));
            if (_recent.Count > window) _recent.RemoveAt(0);
        }
    }

    /// <summary>How many verdicts stay in memory.</summary>
    public int Window { get; }

    /// <summary>Verdicts stored (every one ever reached; most of them only on disk).</summary>
    public long Count
    {
        get { lock (_lock) return _count; }
    }

    /// <summary>The newest verdicts (at most <see cref="Window"/>), by index; a rejected index can appear more than once
    /// (the bad submission and its replacement).</summary>
    public IReadOnlyList<SuperbatchVerdict> Recent
    {
        get { lock (_lock) return _recent.ToArray(); }
    }

    /// <summary>The verdict on the submission with this index and hash (from memory, else from the store), null when none.</summary>
    public SuperbatchVerdict? Get(ulong index, Hash256 hash)
    {
        lock (_lock)
            foreach (SuperbatchVerdict v in _recent) if (v.Index == index && v.SuperbatchHash == hash) return v;
        byte[]? stored = _db.Get(Key(index, hash));
        return stored is null ? null : SuperbatchVerdict.Decode(stored);
    }

    /// <summary>Every stored verdict on superbatch <paramref name="index"/> (every submission at that index), read from the store.</summary>
    public IReadOnlyList<SuperbatchVerdict> ReadAt(ulong index)
    {
        var prefix = new byte[Prefix.Length + 8];
        Prefix.CopyTo(prefix, 0);
        BinaryPrimitives.WriteUInt64BigEndian(prefix.AsSpan(Prefix.Length), index);
        var result = new List<SuperbatchVerdict>();
        foreach (KeyValuePair<byte[], byte[]> kv in _db.Iterate(prefix)) result.Add(SuperbatchVerdict.Decode(kv.Value));
        return result;
    }

    /// <summary>Records (or replaces) a verdict.</summary>
    public void Put(SuperbatchVerdict verdict)
    {
        lock (_lock)
        {
            byte[] key = Key(verdict.Index, verdict.SuperbatchHash);
            if (_db.Get(key) is null) _count++;
            _db.Put(key, verdict.Encode());
            int at = _recent.FindIndex(v => v.Index == verdict.Index && v.SuperbatchHash == verdict.SuperbatchHash);
            if (at >= 0) _recent[at] = verdict;
            else
            {
                // Verdicts come in index order (after a rejection an index comes again: inserted after its equals).
                int pos = _recent.Count;
                while (pos > 0 && _recent[pos - 1].Index > verdict.Index) pos--;
                _recent.Insert(pos, verdict);
                if (_recent.Count > Window) _recent.RemoveAt(0);
            }
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
