using System.Buffers.Binary;
using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Primitives.Rlp;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Sequencer;

/// <summary>A user transaction of a rejected superblock that the honest rebuild could not include again.</summary>
/// <param name="ChainId">Its rollup.</param>
/// <param name="Transaction">The transaction.</param>
/// <param name="OriginalHeight">The rejected superblock that had included it.</param>
/// <param name="Reason">Why it no longer goes in (e.g. the funds came from a forged mint: <c>InsufficientFunds</c>).</param>
public sealed record DroppedTransaction(ulong ChainId, Transaction Transaction, ulong OriginalHeight, string Reason);

/// <summary>What <see cref="SharedSequencer.RecoverTo"/> (or <see cref="SharedSequencer.ResumeRecovery"/>) did.</summary>
/// <param name="LastGoodHeight">The height the set was rewound to (the last good superbatch's last superblock).</param>
/// <param name="RejectedHeight">The set's height before the rewind.</param>
/// <param name="Rebuilt">The superblocks rebuilt honestly at the rejected heights, in order.</param>
/// <param name="Reincluded">User transactions of the rejected blocks included again.</param>
/// <param name="Dropped">User transactions of the rejected blocks left out, with the reason.</param>
public sealed record RecoveryReport(ulong LastGoodHeight, ulong RejectedHeight, IReadOnlyList<Superblock> Rebuilt, int Reincluded, IReadOnlyList<DroppedTransaction> Dropped);

/// <summary>
/// One rejected superblock waiting to be rebuilt: its height, timestamp and each rollup's user transactions (set order),
/// and, when some pool held queued transactions at its selection, each pool's arrival watermark then (see
/// <c>docs/recovery.md</c>: a later nonce queued behind a transaction the cheating build rejected).
/// </summary>
public sealed record RejectedSuperblock(ulong Height, ulong Timestamp, IReadOnlyList<Transaction>[] UserTransactions, long[]? Watermarks = null);

// Recovery after L1 rejected superbatches (issue 6, docs/recovery.md). The sequencer rewinds every rollup to the last
// good superbatch's blocks in ONE batch that also records the rejected superblocks' user transactions (crash-safe:
// nothing acknowledged lives only in memory), then rebuilds each rejected height honestly from those transactions in
// their original order and with the original timestamp: the builder recreates the 0x7F deliveries and the tree fold
// from the user transactions (they are never replayed), deposits come again from the deposit source (its cursor is in
// the state, which went back). Each rebuilt superblock removes its entry from the record in its own commit batch.
public sealed partial class SharedSequencer
{
    private static readonly byte[] RecoveryKey = "SuperblockRecovery"u8.ToArray();
    private static readonly byte[] ExcludedPrefix = "SuperblockExcluded"u8.ToArray();

    /// <summary>
    /// Rejected superblocks recorded by a rewind and not rebuilt yet (a crash between the rewind and the rebuild);
    /// empty normally. <see cref="ResumeRecovery"/> rebuilds them.
    /// </summary>
    public IReadOnlyList<RejectedSuperblock> PendingRecovery { get; private set; } = [];

    /// <summary>True while a <see cref="FaultInjector"/> is armed (tests and devnets only).</summary>
    public bool FaultsArmed => _faults is not null;

    /// <summary>Disarms the fault injector: every later superblock is built honestly (a recovery does it first).</summary>
    public void DisarmFaults() => _faults = null;

    /// <summary>The highest superblock marked final (every rollup's <see cref="ChainStore.Finalized"/>).</summary>
    public ulong Finalized => _chains[0].Store.Finalized;

    /// <summary>
    /// Marks superblocks up to <paramref name="height"/> final (their superbatch is final on L1): a rewind below it is
    /// refused. Never lowers the mark.
    /// </summary>
    public void MarkFinalized(ulong height)
    {
        lock (_buildLock)
        {
            using IWriteBatch batch = _db.StartWriteBatch();
            foreach (ulong id in _store.ChainIds)
                _store.Chain(id).StageFinalized(SuperblockStore.ChainTable(_db, id).WrapBatch(batch), height);
            batch.Commit();
        }
    }

    /// <summary>
    /// Raised after a rewind committed, with the new height (the last good superblock), before any rejected height is
    /// rebuilt (the rebuilt ones follow through <see cref="SuperblockSealed"/>): observers that keep superblock summaries
    /// (the devnet explorer) drop the rejected ones. Raised under the build lock.
    /// </summary>
    public event Action<ulong>? Rewound;

    /// <summary>
    /// After L1 rejected the superbatches past superblock <paramref name="lastGoodHeight"/>: disarms faults, rewinds
    /// every rollup to that height atomically and rebuilds the rejected heights honestly from their user transactions
    /// (original order and timestamps). Receipts already returned for the rejected blocks become unknown until the
    /// transaction is included again, under a new block hash; a transaction that no longer validates is dropped and
    /// reported with its reason. Serialized with <see cref="BuildNext"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="lastGoodHeight"/> is above the set's height or below <see cref="Finalized"/> (nothing changes).</exception>
    public RecoveryReport RecoverTo(ulong lastGoodHeight)
    {
        lock (_buildLock)
        {
            for (int i = 0; i < _chains.Length; i++) _chains[i].WriteLock.Enter();
            try
            {
                ulong before = Height;
                if (lastGoodHeight > before) throw new InvalidOperationException($"cannot recover to superblock {lastGoodHeight}: the set is at {before}");
                DisarmFaults();
                RewindLocked(lastGoodHeight);
                return ReplayLocked(lastGoodHeight, before);
            }
            finally
            {
                for (int i = _chains.Length - 1; i >= 0; i--) _chains[i].WriteLock.Exit();
            }
        }
    }

    /// <summary>Rebuilds the <see cref="PendingRecovery"/> left by a crash after a rewind (nothing when there is none).</summary>
    public RecoveryReport ResumeRecovery()
    {
        lock (_buildLock)
        {
            for (int i = 0; i < _chains.Length; i++) _chains[i].WriteLock.Enter();
            try
            {
                DisarmFaults();
                ulong height = Height;
                ulong last = PendingRecovery.Count == 0 ? height : PendingRecovery[^1].Height;
                return ReplayLocked(height, last);
            }
            finally
            {
                for (int i = _chains.Length - 1; i >= 0; i--) _chains[i].WriteLock.Exit();
            }
        }
    }

    /// <summary>
    /// The rewind alone (tests; <see cref="RecoverTo"/> does it and the rebuild): every rollup back to
    /// <paramref name="height"/> in one batch with the record of the rejected superblocks (<see cref="PendingRecovery"/>).
    /// </summary>
    public void RewindTo(ulong height)
    {
        lock (_buildLock)
        {
            for (int i = 0; i < _chains.Length; i++) _chains[i].WriteLock.Enter();
            try { RewindLocked(height); }
            finally { for (int i = _chains.Length - 1; i >= 0; i--) _chains[i].WriteLock.Exit(); }
        }
    }

    private void RewindLocked(ulong height)
    {
        ulong current = Height;
        if (height > current) throw new InvalidOperationException($"cannot rewind to superblock {height}: the set is at {current}");
        if (height == current) return;
        var rejected = new List<RejectedSuperblock>((int)(current - height) + PendingRecovery.Count);
        for (ulong h = height + 1; h <= current; h++)
        {
            var perChain = new IReadOnlyList<Transaction>[_chains.Length];
            ulong timestamp = 0;
            for (int i = 0; i < _chains.Length; i++)
            {
                Block block = _chains[i].Store.GetBlock(h) ?? throw new InvalidOperationException($"rollup {_chains[i].ChainId} has no block {h}");
                timestamp = block.Header.Timestamp;
                var included = new List<Transaction>(block.Transactions.Count);
                // Protocol transactions (0x7F deliveries, deposits, the fold) are rebuilt from the user transactions
                // and the deposit queue, never replayed: a cheat lives exactly there.
                foreach (Transaction tx in block.Transactions) if (tx.Type != TxType.System) included.Add(tx);
                perChain[i] = included;
            }
            // Acknowledged transactions the build left out (a bundle whose delivery failed on the cheated state, funds
            // that a dropped mint never brought) go back at their place in the original selection.
            (List<(int Position, Transaction Tx)>[]? excluded, long[]? watermarks) = ReadExcluded(h);
            if (excluded is not null)
                for (int i = 0; i < _chains.Length; i++) perChain[i] = Merge(perChain[i], excluded[i]);
            rejected.Add(new RejectedSuperblock(h, timestamp, perChain, watermarks));
        }
        // A recovery interrupted earlier still waits above the current height: it comes after the newly rejected ones.
        rejected.AddRange(PendingRecovery);
        using IWriteBatch batch = _db.StartWriteBatch();
        IReadOnlyDictionary<ulong, ChainRewind> rewinds = _store.StageRewind(batch, height); // refuses below Finalized
        for (ulong h = height + 1; h <= current; h++) batch.Delete(ExcludedKey(h));
        batch.Put(RecoveryKey, EncodeRecovery(rejected));
        batch.Commit();
        _store.CompleteRewind(rewinds, height);
        PendingRecovery = rejected;
        foreach (RollupChain c in _chains) c.OnRewound(rewinds[c.ChainId]);
        Rewound?.Invoke(height);
    }

    private RecoveryReport ReplayLocked(ulong lastGood, ulong rejectedHeight)
    {
        var rebuilt = new List<Superblock>(PendingRecovery.Count);
        var dropped = new List<DroppedTransaction>();
        int reincluded = 0;
        while (PendingRecovery.Count > 0)
        {
            RejectedSuperblock next = PendingRecovery[0];
            if (next.Height != Height + 1) throw new InvalidOperationException($"the recovery record's next superblock is {next.Height}, the set is at {Height}");
            var remaining = new List<RejectedSuperblock>(PendingRecovery.Count - 1);
            for (int i = 1; i < PendingRecovery.Count; i++) remaining.Add(PendingRecovery[i]);
            Superblock sb = BuildLocked(next.Timestamp, WithQueued(next), batch =>
            {
                if (remaining.Count == 0) batch.Delete(RecoveryKey);
                else batch.Put(RecoveryKey, EncodeRecovery(remaining));
            });
            PendingRecovery = remaining;
            rebuilt.Add(sb);
            foreach (BundleReport r in sb.Bundles)
            {
                if (r.Outcome is BundleOutcome.Included or BundleOutcome.IncludedReverted) reincluded++;
                else dropped.Add(new DroppedTransaction(r.ChainId, r.Transaction, next.Height, $"{r.Outcome}: {r.Reason}"));
            }
        }
        return new RecoveryReport(lastGood, rejectedHeight, rebuilt, reincluded, dropped);
    }

    // Records, in the superblock's own batch, the user transactions of the selection that the build left out (rejected
    // or invalid bundles) with their positions in the selection; nothing is written when every one went in.
    private void StageExcluded(IWriteBatch batch, Superblock sb, RollupInput[] inputs, long[]? watermarks)
    {
        List<(int, Transaction)>[]? excluded = null;
        Dictionary<Hash256, int>?[]? positions = null;
        foreach (BundleReport r in sb.Bundles)
        {
            if (r.Outcome is BundleOutcome.Included or BundleOutcome.IncludedReverted) continue;
            int chain = 0;
            while (chain < _chains.Length && _chains[chain].ChainId != r.ChainId) chain++;
            if (chain == _chains.Length) continue;
            excluded ??= new List<(int, Transaction)>[_chains.Length];
            positions ??= new Dictionary<Hash256, int>?[_chains.Length];
            if (positions[chain] is null)
            {
                IReadOnlyList<Transaction> candidates = inputs[chain].Transactions;
                var map = new Dictionary<Hash256, int>(candidates.Count);
                for (int k = 0; k < candidates.Count; k++) map.TryAdd(candidates[k].Hash, k);
                positions[chain] = map;
            }
            if (!positions[chain]!.TryGetValue(r.TxHash, out int position)) continue;
            (excluded[chain] ??= new List<(int, Transaction)>()).Add((position, r.Transaction));
        }
        if (excluded is null && watermarks is null) return;
        excluded ??= new List<(int, Transaction)>[_chains.Length];
        var w = new RlpWriter(512);
        w.StartList().StartList();
        foreach (List<(int Position, Transaction Tx)>? list in excluded)
        {
            w.StartList();
            if (list is not null)
            {
                list.Sort(static (a, b) => a.Position.CompareTo(b.Position));
                foreach ((int position, Transaction tx) in list) w.StartList().WriteUInt64((ulong)position).WriteBytes(tx.Encode()).EndList();
            }
            w.EndList();
        }
        w.EndList();
        WriteWatermarks(w, watermarks);
        w.EndList();
        batch.Put(ExcludedKey(sb.Height), w.ToArray());
    }

    // rlp([watermark + 1 per rollup]) (+1: an empty pool's watermark is -1), or an empty list for none.
    private static void WriteWatermarks(RlpWriter w, long[]? watermarks)
    {
        w.StartList();
        if (watermarks is not null) foreach (long m in watermarks) w.WriteUInt64((ulong)(m + 1));
        w.EndList();
    }

    private long[]? ReadWatermarks(ref RlpReader r)
    {
        int end = r.ReadListHeader();
        var list = new List<long>();
        while (r.IsBefore(end)) list.Add((long)r.ReadUInt64() - 1);
        r.ExpectEnd(end);
        if (list.Count == 0) return null;
        if (list.Count != _chains.Length) throw new InvalidOperationException($"a recovery watermark record has {list.Count} rollups, the set {_chains.Length}");
        return [.. list];
    }

    // At selection time, only when some pool holds queued transactions (rare): each pool's newest arrival, so a rebuild
    // can offer what was queued then behind a transaction the cheating build rejected.
    private long[]? QueuedWatermarks()
    {
        bool any = false;
        foreach (RollupChain c in _chains) if (c.Pool.QueuedCount > 0) { any = true; break; }
        if (!any) return null;
        var marks = new long[_chains.Length];
        for (int i = 0; i < _chains.Length; i++)
        {
            long max = -1;
            foreach (TxPool.PooledTransaction p in _chains[i].Pool.All()) if (p.ArrivalSequence > max) max = p.ArrivalSequence;
            marks[i] = max;
        }
        return marks;
    }

    // The rebuild's selection: the recorded one, then (when the height recorded watermarks) pooled transactions that had
    // arrived by then and are executable in nonce order after it: the later nonces a rejected transaction had blocked.
    private IReadOnlyList<Transaction>[] WithQueued(RejectedSuperblock entry)
    {
        if (entry.Watermarks is not { } marks) return entry.UserTransactions;
        var result = new IReadOnlyList<Transaction>[_chains.Length];
        for (int i = 0; i < _chains.Length; i++)
        {
            IReadOnlyList<Transaction> recorded = entry.UserTransactions[i];
            var late = new List<TxPool.PooledTransaction>();
            var known = new HashSet<Hash256>();
            foreach (Transaction tx in recorded) known.Add(tx.Hash);
            foreach (TxPool.PooledTransaction p in _chains[i].Pool.All())
                if (p.ArrivalSequence <= marks[i] && !known.Contains(p.Hash)) late.Add(p);
            if (late.Count == 0) { result[i] = recorded; continue; }
            late.Sort(static (a, b) => a.ArrivalSequence.CompareTo(b.ArrivalSequence));
            var senders = new Address[recorded.Count];
            var errors = new TransactionError[recorded.Count];
            SenderRecovery.RecoverAll(recorded, _chains[i].ChainId, senders, errors);
            Lockstep.Chain.TrieStateReader head = _chains[i].OpenStateReader(_chains[i].Head);
            var nextNonce = new Dictionary<Address, ulong>();
            ulong NextOf(Address a) => nextNonce.TryGetValue(a, out ulong n) ? n : head.TryGetAccount(a, out var acc) ? acc.Nonce : 0;
            for (int k = 0; k < recorded.Count; k++)
                if (errors[k] == TransactionError.None && recorded[k].Nonce >= NextOf(senders[k])) nextNonce[senders[k]] = recorded[k].Nonce + 1;
            var list = new List<Transaction>(recorded);
            foreach (TxPool.PooledTransaction p in late)
            {
                if (p.Nonce != NextOf(p.Sender)) continue; // still behind a gap: it stays pooled
                list.Add(p.Transaction);
                nextNonce[p.Sender] = p.Nonce + 1;
            }
            result[i] = list;
        }
        return result;
    }

    private (List<(int Position, Transaction Tx)>[]?, long[]?) ReadExcluded(ulong height)
    {
        byte[]? v = _db.Get(ExcludedKey(height));
        if (v is null) return (null, null);
        var result = new List<(int, Transaction)>[_chains.Length];
        var r = new RlpReader(v);
        int outer = r.ReadListHeader();
        int end = r.ReadListHeader();
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new List<(int, Transaction)>();
            if (!r.IsBefore(end)) continue;
            int listEnd = r.ReadListHeader();
            while (r.IsBefore(listEnd))
            {
                int itemEnd = r.ReadListHeader();
                int position = checked((int)r.ReadUInt64());
                result[i].Add((position, TransactionDecoder.Decode(r.ReadBytes())));
                r.ExpectEnd(itemEnd);
            }
            r.ExpectEnd(listEnd);
        }
        r.ExpectEnd(end);
        long[]? watermarks = ReadWatermarks(ref r);
        r.ExpectEnd(outer);
        return (result, watermarks);
    }

    // The original selection: the included user transactions keep their relative order (the builder takes candidates
    // in order), the excluded ones return to their recorded positions.
    private static List<Transaction> Merge(IReadOnlyList<Transaction> included, List<(int Position, Transaction Tx)> excluded)
    {
        var merged = new List<Transaction>(included.Count + excluded.Count);
        int inc = 0, exc = 0;
        while (inc < included.Count || exc < excluded.Count)
        {
            if (exc < excluded.Count && (excluded[exc].Position <= merged.Count || inc == included.Count)) merged.Add(excluded[exc++].Tx);
            else merged.Add(included[inc++]);
        }
        return merged;
    }

    private static byte[] ExcludedKey(ulong height)
    {
        var key = new byte[ExcludedPrefix.Length + 8];
        ExcludedPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(ExcludedPrefix.Length), height);
        return key;
    }

    private IReadOnlyList<RejectedSuperblock> ReadRecovery()
    {
        byte[]? v = _db.Get(RecoveryKey);
        if (v is null) return [];
        var result = new List<RejectedSuperblock>();
        var r = new RlpReader(v);
        int end = r.ReadListHeader();
        while (r.IsBefore(end))
        {
            int entryEnd = r.ReadListHeader();
            ulong height = r.ReadUInt64();
            ulong timestamp = r.ReadUInt64();
            int chainsEnd = r.ReadListHeader();
            var perChain = new List<IReadOnlyList<Transaction>>();
            while (r.IsBefore(chainsEnd))
            {
                int txsEnd = r.ReadListHeader();
                var txs = new List<Transaction>();
                while (r.IsBefore(txsEnd)) txs.Add(TransactionDecoder.Decode(r.ReadBytes()));
                r.ExpectEnd(txsEnd);
                perChain.Add(txs);
            }
            r.ExpectEnd(chainsEnd);
            long[]? watermarks = ReadWatermarks(ref r);
            r.ExpectEnd(entryEnd);
            if (perChain.Count != _chains.Length) throw new InvalidOperationException($"the recovery record has {perChain.Count} rollups, the set {_chains.Length}");
            result.Add(new RejectedSuperblock(height, timestamp, [.. perChain], watermarks));
        }
        r.ExpectEnd(end);
        return result;
    }

    // rlp([[height, timestamp, [[tx (EIP-2718 bytes)...] per rollup in set order], [watermark + 1 per rollup]], ...])
    private static byte[] EncodeRecovery(IReadOnlyList<RejectedSuperblock> rejected)
    {
        var w = new RlpWriter(1024);
        w.StartList();
        foreach (RejectedSuperblock sb in rejected)
        {
            w.StartList().WriteUInt64(sb.Height).WriteUInt64(sb.Timestamp).StartList();
            foreach (IReadOnlyList<Transaction> txs in sb.UserTransactions)
            {
                w.StartList();
                foreach (Transaction tx in txs) w.WriteBytes(tx.Encode());
                w.EndList();
            }
            w.EndList();
            WriteWatermarks(w, sb.Watermarks);
            w.EndList();
        }
        w.EndList();
        return w.ToArray();
    }
}
