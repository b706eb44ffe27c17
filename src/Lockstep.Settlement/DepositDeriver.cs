using System.Buffers.Binary;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Settlement;

/// <summary>One L1 deposit as derived from its <c>DepositQueued</c> log, with the protocol transaction it becomes.</summary>
/// <param name="Event">The decoded event.</param>
/// <param name="L1Block">The L1 block of the log.</param>
/// <param name="L1TransactionHash">The L1 transaction that queued it.</param>
/// <param name="Transaction">The type 0x7F transaction executing it on rollup <c>Event.ChainId</c>.</param>
public sealed record DerivedDeposit(DepositQueuedEvent Event, ulong L1Block, Hash256 L1TransactionHash, Transaction Transaction)
{
    /// <summary>Global queue index.</summary>
    public ulong Index => Event.DepositIndex;

    /// <summary>As the sequencer takes it.</summary>
    public DepositTransaction ToDepositTransaction() => new(Event.DepositIndex, Event.ChainId, Transaction);
}

/// <summary>Settings of a <see cref="DepositDeriver"/>.</summary>
public sealed class DepositDeriverOptions
{
    /// <summary>The L1Bridge whose <c>DepositQueued</c> events are read.</summary>
    public required Address Bridge { get; init; }

    /// <summary>Only L1 blocks at least this many blocks below the L1 head are read (0: the head itself; tests, devnet).</summary>
    public ulong Confirmations { get; init; }

    /// <summary>First L1 block to read (the bridge's deployment block, or 0).</summary>
    public ulong FromBlock { get; init; }

    /// <summary>
    /// Also wait for the L1's own finality: read only up to the block the node tags so (<c>"finalized"</c> or
    /// <c>"safe"</c>; post-merge Ethereum finalizes after two epochs), whichever of that and the depth is lower; null:
    /// the depth alone.
    /// </summary>
    public string? BlockTag { get; init; }

    /// <summary>Most L1 blocks per <c>eth_getLogs</c> request (providers cap ranges).</summary>
    public ulong MaxBlockRange { get; init; } = 5_000;
}

/// <summary>
/// Derives L1 deposits (issue 5): reads L1Bridge's <c>DepositQueued</c> logs from L1 blocks at least
/// <see cref="DepositDeriverOptions.Confirmations"/> deep and turns each into its protocol transaction. The rule is
/// a pure function of the event and the L1 chain id, so the sequencer and every verifier derive the same bytes:
/// <code>
/// 0x7F tx: chainId = event.chainId, sourceChainId = L1 chain id, sourceTxHash = L1Bridge.depositHash(event),
///          messageNonce = event.depositIndex, to = L2Bridge (0x…1005), gasLimit = 300,000,
///          data = finalizeDeposit(depositIndex, from, to, token, amount, data)
/// </code>
/// </summary>
public sealed class DepositDeriver(IL1Client l1, DepositDeriverOptions options)
{
    private ulong? _l1ChainId;
    private readonly string? _tag = options.BlockTag is null or "finalized" or "safe" ? options.BlockTag
        : throw new ArgumentException($"BlockTag must be \"finalized\", \"safe\" or null, not \"{options.BlockTag}\"", nameof(options));

    /// <summary>The settings.</summary>
    public DepositDeriverOptions Options { get; } = options;

    /// <summary>The L1 it reads.</summary>
    public IL1Client L1 => l1;

    /// <summary>The protocol transaction executing deposit <paramref name="d"/> (the derivation rule above).</summary>
    public static Transaction ToSystemTransaction(DepositQueuedEvent d, ulong l1ChainId) =>
        SystemTransaction.Create(d.ChainId, l1ChainId, Bridge.DepositHash(d), d.DepositIndex, SystemAddresses.L2Bridge, L2BridgeAbi.DepositGas,
            L2BridgeAbi.FinalizeDeposit(d));

    /// <summary>True when <paramref name="tx"/> is a deposit's protocol transaction (to L2Bridge); its index is the message nonce.</summary>
    public static bool IsDeposit(Transaction tx) => tx.IsSystem && tx.To == SystemAddresses.L2Bridge;

    /// <summary>
    /// The deposit count a superbatch of superblocks [<paramref name="first"/>, <paramref name="last"/>] of
    /// <paramref name="chains"/> commits to: one past the highest deposit index executed in the range (deposits run in
    /// queue order), or <paramref name="previous"/> (the previous superbatch's) when the range executed none.
    /// </summary>
    public static ulong CountThrough(IReadOnlyList<Lockstep.Chain.ChainStore> chains, ulong first, ulong last, ulong previous)
    {
        ulong count = previous;
        foreach (Lockstep.Chain.ChainStore chain in chains)
            for (ulong h = first; h <= last; h++)
                foreach (Transaction tx in (chain.GetBlock(h) ?? throw new InvalidOperationException($"block {h} is missing from a rollup's store")).Transactions)
                    if (IsDeposit(tx) && tx.MessageNonce + 1 > count) count = tx.MessageNonce + 1;
        return count;
    }

    /// <summary>The L1 chain id (asked once).</summary>
    public async Task<ulong> GetL1ChainIdAsync(CancellationToken cancel = default) =>
        _l1ChainId ??= await l1.GetChainIdAsync(cancel).ConfigureAwait(false);

    /// <summary>
    /// The highest L1 block deep enough to read (and, with <see cref="DepositDeriverOptions.BlockTag"/>, at or below the
    /// node's tagged block); null while the L1 is shorter than the confirmations or has no tagged block yet.
    /// </summary>
    public async Task<ulong?> SafeBlockAsync(CancellationToken cancel = default)
    {
        ulong head = await l1.GetBlockNumberAsync(cancel).ConfigureAwait(false);
        if (head < Options.Confirmations) return null;
        ulong safe = head - Options.Confirmations;
        if (_tag is null) return safe;
        ulong? tagged = await l1.GetTaggedBlockNumberAsync(_tag, cancel).ConfigureAwait(false);
        return tagged is { } t ? Math.Min(safe, t) : null;
    }

    /// <summary>Every deposit queued in L1 blocks [<paramref name="fromBlock"/>, <paramref name="toBlock"/>], in queue order.</summary>
    public async Task<List<DerivedDeposit>> ScanAsync(ulong fromBlock, ulong toBlock, CancellationToken cancel = default)
    {
        ulong chainId = await GetL1ChainIdAsync(cancel).ConfigureAwait(false);
        var found = new List<DerivedDeposit>();
        for (ulong from = fromBlock; from <= toBlock;)
        {
            ulong to = Math.Min(toBlock, from + Options.MaxBlockRange - 1);
            IReadOnlyList<L1Log> logs = await l1.GetLogsAsync(Options.Bridge, from, to, DepositQueuedEvent.Topic, cancel).ConfigureAwait(false);
            foreach (L1Log log in logs)
                if (log.Address == Options.Bridge && DepositQueuedEvent.TryDecode(log.Topics, log.Data, out DepositQueuedEvent? e))
                    found.Add(new DerivedDeposit(e!, log.BlockNumber, log.TransactionHash, ToSystemTransaction(e!, chainId)));
            if (to == ulong.MaxValue) break;
            from = to + 1;
        }
        found.Sort((a, b) => a.Index.CompareTo(b.Index));
        return found;
    }

    /// <summary>
    /// Deposits [<paramref name="fromIndex"/>, <paramref name="toIndex"/>) from the safe part of L1 (the verifier's
    /// entry point: a superbatch executes exactly [previous depositCount, depositCount)). Throws
    /// <see cref="InvalidDataException"/> when one of them is not (yet) on L1 at the safe depth.
    /// </summary>
    public async Task<List<DerivedDeposit>> ReadAsync(ulong fromIndex, ulong toIndex, CancellationToken cancel = default)
    {
        var result = new List<DerivedDeposit>();
        if (toIndex <= fromIndex) return result;
        ulong? safe = await SafeBlockAsync(cancel).ConfigureAwait(false);
        if (safe is { } s && s >= Options.FromBlock)
            foreach (DerivedDeposit d in await ScanAsync(Options.FromBlock, s, cancel).ConfigureAwait(false))
                if (d.Index >= fromIndex && d.Index < toIndex) result.Add(d);
        for (int i = 0; i < result.Count; i++)
            if (result[i].Index != fromIndex + (ulong)i) throw new InvalidDataException($"deposit {fromIndex + (ulong)i} is not on L1 at depth {Options.Confirmations}");
        if ((ulong)result.Count != toIndex - fromIndex) throw new InvalidDataException($"deposit {fromIndex + (ulong)result.Count} is not on L1 at depth {Options.Confirmations}");
        return result;
    }
}

/// <summary>
/// The L1 chain changed under deposits the rollups already executed: a reorg deeper than the confirmation depth
/// replaced an L1 block the deposit feed had read (issue 5). The rollups cannot follow it without a reorg of their
/// own, so the feed stops offering deposits and says so.
/// </summary>
public sealed class L1ReorgException(string message) : Exception(message);

/// <summary>
/// The sequencer's source of deposits (<see cref="IDepositSource"/>): polls the <see cref="DepositDeriver"/> in the
/// background and keeps every derived deposit and the next L1 block to read in <c>deposits/…</c> keys of its store,
/// so a restart neither reads L1 from the start again nor forgets a deposit it had seen. What was executed is not
/// tracked here: the sequencer reads its cursor from the rollups' state (L2Bridge.nextDepositIndex), so a deposit is
/// executed once even across a crash; entries below that cursor are pruned.
/// <para>
/// Reorg safety: only blocks at least <see cref="DepositDeriverOptions.Confirmations"/> deep are read, so a reorg
/// shallower than that never reaches a block whose deposits were offered. Deeper ones are detected: after each read
/// the feed records the hash of the last block it read (an anchor; the last 128 are kept) and checks it before the
/// next read. When it changed, deposits from blocks after the newest anchor still on the chain are forgotten and
/// read again from the new chain, unless one of them was already offered to the sequencer (then
/// <see cref="L1ReorgException"/> and no more deposits are offered: the rollups would follow a history L1 no longer
/// has; choose the depth above the L1's reorg depth).
/// </para>
/// </summary>
public sealed class DepositFeed : IDepositSource, IDisposable
{
    private const int MaxAnchors = 128;
    private static readonly byte[] CursorKey = "deposits/next-l1-block"u8.ToArray();
    private static readonly byte[] AnchorsKey = "deposits/anchors"u8.ToArray();
    private static readonly byte[] UsedKey = "deposits/used-through"u8.ToArray();
    private static readonly byte[] OldEntryPrefix = "deposits/q/"u8.ToArray(); // before the L1 block was stored
    private static readonly byte[] EntryPrefix = "deposits/e/"u8.ToArray();
    private readonly DepositDeriver _deriver;
    private readonly IKeyValueStore _db;
    private readonly TimeSpan _interval;
    private readonly SortedList<ulong, (DepositTransaction Deposit, ulong L1Block)> _known = new();
    private readonly List<(ulong Height, Hash256 Hash)> _anchors = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private ulong _nextBlock;
    private ulong _usedThrough; // one past the newest L1 block a deposit offered to the sequencer came from (0: none)
    private string? _halted;

    /// <summary>A feed reading through <paramref name="deriver"/>, persisting in <paramref name="db"/>, polling every <paramref name="interval"/>.</summary>
    public DepositFeed(DepositDeriver deriver, IKeyValueStore db, TimeSpan? interval = null)
    {
        _deriver = deriver;
        _db = db;
        _interval = interval ?? TimeSpan.FromMilliseconds(500);
        byte[]? cursor = db.Get(CursorKey);
        _nextBlock = cursor is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(cursor) : deriver.Options.FromBlock;
        byte[]? used = db.Get(UsedKey);
        if (used is { Length: 8 }) _usedThrough = BinaryPrimitives.ReadUInt64BigEndian(used);
        byte[]? anchors = db.Get(AnchorsKey);
        for (int at = 0; anchors is not null && at + 40 <= anchors.Length; at += 40)
            _anchors.Add((BinaryPrimitives.ReadUInt64BigEndian(anchors.AsSpan(at)), new Hash256(anchors.AsSpan(at + 8, 32))));
        foreach (KeyValuePair<byte[], byte[]> kv in db.Iterate(EntryPrefix))
        {
            (DepositTransaction d, ulong block) = Decode(kv.Value);
            _known[d.Index] = (d, block);
        }
        // Entries of the first format have no L1 block: they were read below the cursor, so cursor - 1 bounds it.
        foreach (KeyValuePair<byte[], byte[]> kv in db.Iterate(OldEntryPrefix))
        {
            DepositTransaction d = DecodeOld(kv.Value);
            _known.TryAdd(d.Index, (d, _nextBlock == 0 ? 0 : _nextBlock - 1));
        }
    }

    /// <summary>Next L1 block to read.</summary>
    public ulong NextL1Block { get { lock (_lock) return _nextBlock; } }

    /// <summary>Deposits known and not pruned, by index.</summary>
    public int KnownCount { get { lock (_lock) return _known.Count; } }

    /// <summary>Why the feed stopped offering deposits (an L1 reorg under executed deposits); null while it works.</summary>
    public string? Halted { get { lock (_lock) return _halted; } }

    /// <summary>Raised after a poll found new deposits (the devnet wakes the sequencer).</summary>
    public event Action? DepositsAvailable;

    /// <summary>Raised when a poll fails (the loop retries).</summary>
    public event Action<Exception>? Failed;

    /// <inheritdoc />
    public IReadOnlyList<DepositTransaction> Pending(ulong nextIndex, int max)
    {
        var result = new List<DepositTransaction>();
        lock (_lock)
        {
            if (_halted is not null) return result;
            using IWriteBatch batch = _db.StartWriteBatch();
            bool write = false;
            // Executed entries are no longer needed (the rollups' state holds the cursor; a restart reads it again).
            while (_known.Count > 0 && _known.Keys[0] < nextIndex)
            {
                batch.Delete(EntryKey(EntryPrefix, _known.Keys[0]));
                batch.Delete(EntryKey(OldEntryPrefix, _known.Keys[0]));
                _known.RemoveAt(0);
                write = true;
            }
            // What is offered counts as used (the superblock being built executes it): a reorg that reaches its L1
            // block later cannot be followed any more.
            ulong used = _usedThrough;
            for (ulong i = nextIndex; result.Count < max && _known.TryGetValue(i, out var d); i++)
            {
                result.Add(d.Deposit);
                if (d.L1Block + 1 > used) used = d.L1Block + 1;
            }
            if (used != _usedThrough)
            {
                batch.Put(UsedKey, U64(used));
                _usedThrough = used;
                write = true;
            }
            if (write) batch.Commit();
        }
        return result;
    }

    /// <summary>
    /// One round: checks that the last block read is still on L1 (else rewinds to the newest anchor still there, or
    /// throws <see cref="L1ReorgException"/> when executed deposits came from a replaced block), then reads the new
    /// safe L1 blocks; returns how many deposits were new.
    /// </summary>
    public async Task<int> PollAsync(CancellationToken cancel = default)
    {
        if (Halted is { } why) throw new L1ReorgException(why);
        await CheckAnchorsAsync(cancel).ConfigureAwait(false);
        ulong? safe = await _deriver.SafeBlockAsync(cancel).ConfigureAwait(false);
        ulong from = NextL1Block;
        if (safe is not { } s || s < from) return 0;
        Hash256? before = await _deriver.L1.GetBlockHashAsync(s, cancel).ConfigureAwait(false);
        List<DerivedDeposit> found = await _deriver.ScanAsync(from, s, cancel).ConfigureAwait(false);
        Hash256? after = await _deriver.L1.GetBlockHashAsync(s, cancel).ConfigureAwait(false);
        // A reorg during the read: the logs may mix both chains; read again next round.
        if (before is not { } anchor || after != before) return 0;
        int added = 0;
        lock (_lock)
        {
            using IWriteBatch batch = _db.StartWriteBatch();
            foreach (DerivedDeposit d in found)
            {
                if (_known.ContainsKey(d.Index)) continue;
                _known[d.Index] = (d.ToDepositTransaction(), d.L1Block);
                batch.Put(EntryKey(EntryPrefix, d.Index), Encode(d));
                added++;
            }
            _anchors.Add((s, anchor));
            if (_anchors.Count > MaxAnchors) _anchors.RemoveAt(0);
            batch.Put(AnchorsKey, EncodeAnchors());
            batch.Put(CursorKey, U64(s + 1));
            batch.Commit();
            _nextBlock = s + 1;
        }
        if (added > 0) DepositsAvailable?.Invoke();
        return added;
    }

    /// <summary>
    /// The newest anchor must still be on L1. If not, walks back to the newest one that is; deposits read after it
    /// are forgotten and read again from there, unless one was executed (then the feed halts).
    /// </summary>
    private async Task CheckAnchorsAsync(CancellationToken cancel)
    {
        (ulong Height, Hash256 Hash)[] anchors;
        lock (_lock) anchors = [.. _anchors];
        if (anchors.Length == 0) return;
        if (await _deriver.L1.GetBlockHashAsync(anchors[^1].Height, cancel).ConfigureAwait(false) == anchors[^1].Hash) return;
        int keep = anchors.Length - 1;
        while (keep > 0 && await _deriver.L1.GetBlockHashAsync(anchors[keep - 1].Height, cancel).ConfigureAwait(false) != anchors[keep - 1].Hash) keep--;
        // Everything after the newest surviving anchor may have changed (no surviving anchor: from the first block read).
        ulong rewindTo = keep > 0 ? anchors[keep - 1].Height + 1 : _deriver.Options.FromBlock;
        lock (_lock)
        {
            if (_usedThrough > rewindTo)
            {
                _halted = $"L1 reorg deeper than the deposit depth ({_deriver.Options.Confirmations}): block {anchors[^1].Height} is no longer {anchors[^1].Hash}, " +
                    $"and deposits the rollups took came from L1 block {_usedThrough - 1}, at or after {rewindTo} where the chains may differ; no further deposits are taken";
                throw new L1ReorgException(_halted);
            }
            using IWriteBatch batch = _db.StartWriteBatch();
            var forget = new List<ulong>();
            foreach (KeyValuePair<ulong, (DepositTransaction Deposit, ulong L1Block)> kv in _known)
                if (kv.Value.L1Block >= rewindTo) forget.Add(kv.Key);
            foreach (ulong index in forget)
            {
                _known.Remove(index);
                batch.Delete(EntryKey(EntryPrefix, index));
                batch.Delete(EntryKey(OldEntryPrefix, index));
            }
            _anchors.RemoveRange(keep, _anchors.Count - keep);
            batch.Put(AnchorsKey, EncodeAnchors());
            batch.Put(CursorKey, U64(rewindTo));
            batch.Commit();
            _nextBlock = rewindTo;
        }
    }

    /// <summary>Starts polling in the background.</summary>
    public void Start()
    {
        _loop ??= PollLoop.Start(async stop =>
        {
            await PollAsync(stop).ConfigureAwait(false);
            // Deposits beyond one superblock's share stay pending: keep nudging while any are known.
            if (KnownCount > 0) DepositsAvailable?.Invoke();
        }, _interval, e => Failed?.Invoke(e), _stop.Token);
    }

    private static byte[] U64(ulong value)
    {
        var v = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        return v;
    }

    private byte[] EncodeAnchors()
    {
        var v = new byte[40 * _anchors.Count];
        for (int i = 0; i < _anchors.Count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(v.AsSpan(40 * i), _anchors[i].Height);
            _anchors[i].Hash.ToArray().CopyTo(v, 40 * i + 8);
        }
        return v;
    }

    private static byte[] EntryKey(byte[] prefix, ulong index)
    {
        var key = new byte[prefix.Length + 8];
        prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(prefix.Length), index);
        return key;
    }

    // Stored: chain id (8) || index (8) || L1 block (8) || the protocol transaction's EIP-2718 encoding.
    private static byte[] Encode(DerivedDeposit d)
    {
        byte[] tx = d.Transaction.Encode();
        var v = new byte[24 + tx.Length];
        BinaryPrimitives.WriteUInt64BigEndian(v, d.Event.ChainId);
        BinaryPrimitives.WriteUInt64BigEndian(v.AsSpan(8), d.Index);
        BinaryPrimitives.WriteUInt64BigEndian(v.AsSpan(16), d.L1Block);
        tx.CopyTo(v, 24);
        return v;
    }

    private static (DepositTransaction, ulong) Decode(byte[] v) =>
        (new(BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(8)), BinaryPrimitives.ReadUInt64BigEndian(v), TransactionDecoder.DecodeWithSystem(v.AsSpan(24))),
         BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(16)));

    // The first format: chain id (8) || index (8) || transaction.
    private static DepositTransaction DecodeOld(byte[] v) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(8)), BinaryPrimitives.ReadUInt64BigEndian(v), TransactionDecoder.DecodeWithSystem(v.AsSpan(16)));

    /// <summary>Stops polling.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
