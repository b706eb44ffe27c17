using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Recovery.Tests;

/// <summary>
/// ChainStore.RewindTo and the set's one-batch rewind: what a rewind removes and keeps, crash safety on both sides of
/// the atomic batch (reopen gives the old chain or the rewound one, never a mix), refusal below the finalized mark,
/// and a sequencer killed between the rewind and the honest rebuild.
/// </summary>
public sealed class RewindTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-rewind-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The honest workload's six superblocks in <paramref name="db"/>, closed again.</summary>
    private static void BuildSix(IKeyValueStore db, params InjectedFault[] faults)
    {
        RecoverySet s = RecoverySet.Open(db, faults);
        Workload.RunAsync(s, 6).GetAwaiter().GetResult();
        s.Set.Dispose();
    }

    /// <summary>
    /// The chain is exactly blocks 0..<paramref name="head"/>: canonical index, bodies, receipts and the transaction
    /// index of each, nothing canonical above, and none of <paramref name="gone"/>'s transactions findable.
    /// </summary>
    private static void AssertConsistent(ChainStore store, ulong head, IReadOnlyList<Block> gone)
    {
        Assert.Equal(head, store.Head!.Number);
        Hash256 parent = default;
        for (ulong n = 0; n <= head; n++)
        {
            Block block = store.GetBlock(n) ?? throw new Xunit.Sdk.XunitException($"block {n} is missing");
            if (n > 0) Assert.Equal(parent, block.Header.ParentHash);
            parent = block.Hash;
            Assert.Equal(block.Transactions.Count, store.GetReceipts(block.Hash)!.Count);
            for (int i = 0; i < block.Transactions.Count; i++)
            {
                Assert.True(store.TryGetTransactionLocation(block.Transactions[i].Hash, out TransactionLocation loc));
                Assert.Equal(new TransactionLocation(n, i), loc);
            }
        }
        Assert.Equal(parent, store.Head.Hash);
        Assert.False(store.TryGetCanonicalHash(head + 1, out _));
        foreach (Block b in gone)
        {
            Assert.Null(store.GetBlock(b.Hash));
            Assert.Null(store.GetReceipts(b.Hash));
            foreach (Transaction tx in b.Transactions) Assert.False(store.TryGetTransactionLocation(tx.Hash, out _), $"{tx.Hash} still indexed");
        }
    }

    private static List<Block> Blocks(ChainStore store, ulong from, ulong to)
    {
        var list = new List<Block>();
        for (ulong n = from; n <= to; n++) list.Add(store.GetBlock(n)!);
        return list;
    }

    [Fact]
    public void RewindTo_removes_the_blocks_above_and_keeps_the_state_of_the_new_head()
    {
        var db = new MemoryKeyValueStore();
        BuildSix(db);
        var store = new ChainStore(SuperblockStore.ChainTable(db, 901));
        List<Block> above = Blocks(store, 4, 6);
        Assert.Contains(above, b => b.Transactions.Count > 0);
        Hash256 root3 = store.GetBlock(3)!.Header.StateRoot;

        ChainRewind rewind = store.RewindTo(3);

        Assert.Equal(above.Select(b => b.Hash), rewind.Removed.Select(b => b.Hash));
        AssertConsistent(store, 3, above);
        Assert.Equal(root3, store.Head!.StateRoot);
        // The trie nodes of block 3's state are still there (content-addressed, never pruned): balances read.
        Assert.False(store.OpenHeadState().World.GetBalance(RecoverySet.Accounts[4].Address).IsZero);
        AssertConsistent(new ChainStore(SuperblockStore.ChainTable(db, 901)), 3, above); // reopen resumes there
        Assert.Equal(3UL, store.RewindTo(3).NewHead.Number); // a no-op rewind
    }

    [Fact]
    public void A_rewind_above_the_head_or_below_the_finalized_block_is_refused_and_changes_nothing()
    {
        var db = new MemoryKeyValueStore();
        BuildSix(db);
        var store = new ChainStore(SuperblockStore.ChainTable(db, 902));
        Assert.Throws<InvalidOperationException>(() => store.RewindTo(7));
        store.MarkFinalized(4);
        store.MarkFinalized(2); // never lowers the mark
        Assert.Equal(4UL, store.Finalized);
        var e = Assert.Throws<InvalidOperationException>(() => store.RewindTo(3));
        Assert.Contains("final", e.Message);
        AssertConsistent(store, 6, []);
        Assert.Throws<InvalidOperationException>(() => store.MarkFinalized(7));
        store.RewindTo(4); // down to the finalized block itself is fine
        AssertConsistent(store, 4, []);
    }

    [Fact]
    public void The_set_refuses_to_rewind_below_the_finalized_superblock()
    {
        var db = new MemoryKeyValueStore();
        BuildSix(db);
        using var set = new SharedSequencer(db, RecoverySet.Geneses());
        set.MarkFinalized(4);
        Assert.Equal(4UL, set.Finalized);
        Hash256[] heads = [.. set.Chains.Select(c => c.Head.Hash)];
        var e = Assert.Throws<InvalidOperationException>(() => set.RecoverTo(2));
        Assert.Contains("final", e.Message);
        Assert.Equal(heads, set.Chains.Select(c => c.Head.Hash).ToArray());
        Assert.Equal(6UL, set.Superblocks.Height);
        Assert.Empty(set.PendingRecovery);
    }

    [Fact]
    public void A_crash_before_the_rewind_batch_lands_reopens_the_old_chain()
    {
        using (var db = new RocksDbKeyValueStore(_dir)) BuildSix(db);
        List<Block> all;
        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new ChainStore(SuperblockStore.ChainTable(db, 901));
            all = Blocks(store, 1, 6);
            IWriteBatch batch = db.StartWriteBatch();
            store.StageRewind(SuperblockStore.ChainTable(db, 901).WrapBatch(batch), 2);
            Assert.True(batch.Count > 0);
            batch.Dispose(); // the process dies before Commit
        }
        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new ChainStore(SuperblockStore.ChainTable(db, 901));
            AssertConsistent(store, 6, []);
            Assert.Equal(all.Select(b => b.Hash), Blocks(store, 1, 6).Select(b => b.Hash));
        }
    }

    [Fact]
    public void A_crash_right_after_the_rewind_batch_lands_reopens_the_rewound_chain()
    {
        using (var db = new RocksDbKeyValueStore(_dir)) BuildSix(db);
        List<Block> above;
        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new ChainStore(SuperblockStore.ChainTable(db, 902));
            above = Blocks(store, 3, 6);
            using IWriteBatch batch = db.StartWriteBatch();
            store.StageRewind(SuperblockStore.ChainTable(db, 902).WrapBatch(batch), 2);
            batch.Commit(); // ... and the process dies before CompleteRewind moves the cached head
            Assert.Equal(6UL, store.Head!.Number);
        }
        using (var db = new RocksDbKeyValueStore(_dir)) AssertConsistent(new ChainStore(SuperblockStore.ChainTable(db, 902)), 2, above);
    }

    [Fact]
    public async Task A_sequencer_killed_between_the_rewind_and_the_rebuild_finishes_the_recovery_when_reopened()
    {
        // The cheating run (DropMint at 3, no L1 here), then the set's rewind to 2 alone: its batch also records the
        // rejected superblocks' user transactions; the process "dies" before rebuilding.
        using (var db = new RocksDbKeyValueStore(_dir)) BuildSix(db, new InjectedFault(FaultKind.DropMint, Workload.FaultHeight));
        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var killed = new SharedSequencer(db, RecoverySet.Geneses());
            killed.RewindTo(2);
            Assert.Equal(2UL, killed.Height);
            Assert.Equal([3UL, 4UL, 5UL, 6UL], killed.PendingRecovery.Select(p => p.Height).ToArray());
            killed.Dispose();
        }
        await using RecoverySet honest = RecoverySet.Open();
        await Workload.RunAsync(honest, 6);
        using var reopened = new RocksDbKeyValueStore(_dir);
        using var set = new SharedSequencer(reopened, RecoverySet.Geneses());
        Assert.Equal((2UL, 4), (set.Height, set.PendingRecovery.Count)); // every rollup rewound, the record kept
        foreach (var c in set.Chains) Assert.Equal(2UL, c.Head.Number);
        RecoveryReport report = set.ResumeRecovery();
        Assert.Equal(4, report.Rebuilt.Count);
        Assert.Empty(report.Dropped);
        Assert.Empty(set.PendingRecovery);
        Assert.Equal(RecoverySet.Snapshot(honest.Set), RecoverySet.Snapshot(set));
        Assert.Equal(honest.Set.Chains.Select(c => c.Head.Hash), set.Chains.Select(c => c.Head.Hash));
    }
}
