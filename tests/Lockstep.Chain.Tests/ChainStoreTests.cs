using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;

namespace Lockstep.Chain.Tests;

public sealed class ChainStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-chain-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly Address Bob = Address.FromNumber(0xb0b);

    /// <summary>Builds and commits one block on the head: a transfer each, a contract write from block 2.</summary>
    private static BuiltBlock AppendBlock(ChainStore store, int i, Address contract)
    {
        BlockHeader head = store.Head!;
        ChainState state = store.OpenHeadState();
        var txs = new List<Transaction>();
        ulong nonce = state.World.GetNonce(TestChain.AddressOf(1));
        if (i == 1) txs.Add(TestChain.Call(1, nonce++, null, TestChain.InitCode, 200_000));
        txs.Add(TestChain.Transfer(1, nonce++, Bob, (ulong)(100 + i)));
        if (i > 1)
        {
            byte[] calldata = new byte[32];
            calldata[31] = (byte)i;
            txs.Add(TestChain.Call(1, nonce++, contract, calldata, 100_000));
        }
        BuiltBlock built = new BlockBuilder(TestChain.ChainId) { BlockHashes = store }.Build(head, state.World, txs, TestChain.Attributes(head));
        Assert.Empty(built.Skipped);
        store.CommitBlock(built.Block, built.Receipts, state);
        return built;
    }

    [Fact]
    public void BlocksSurviveReopenWithHeadStateAndIndexes()
    {
        const int n = 6;
        Address contract = Lockstep.Evm.Instructions.SystemOps.CreateAddress(TestChain.AddressOf(1), 0);
        var built = new List<BuiltBlock>();
        Hash256 genesisHash;
        UInt256 bobBalance, senderBalance;
        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new ChainStore(db);
            Assert.Null(store.Head);
            genesisHash = store.InitializeGenesis(TestChain.Genesis()).Hash;
            for (int i = 1; i <= n; i++) built.Add(AppendBlock(store, i, contract));
            Assert.Equal(built[^1].Block.Hash, store.Head!.Hash);
            ChainState head = store.OpenHeadState();
            bobBalance = head.World.GetBalance(Bob);
            senderBalance = head.World.GetBalance(TestChain.AddressOf(1));
        }

        UInt256 expectedBob = UInt256.Zero;
        for (int i = 1; i <= n; i++) expectedBob += new UInt256((ulong)(100 + i));
        Assert.Equal(expectedBob, bobBalance);

        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new ChainStore(db);
            BlockHeader head = store.Head!;
            Assert.Equal(built[^1].Block.Hash, head.Hash);
            Assert.Equal(built[^1].Block.Header.StateRoot, head.StateRoot);
            Assert.Equal((ulong)n, head.Number);

            // The state reopens from trie nodes at the head's root: balances, nonce, code and storage.
            ChainState state = store.OpenHeadState();
            Assert.Equal(bobBalance, state.World.GetBalance(Bob));
            Assert.Equal(senderBalance, state.World.GetBalance(TestChain.AddressOf(1)));
            Assert.Equal((ulong)(2 * n), state.World.GetNonce(TestChain.AddressOf(1)));
            Assert.Equal(TestChain.Runtime, state.World.GetCode(contract));
            Assert.Equal(new UInt256(7), state.World.GetStorage(contract, UInt256.One));
            Assert.Equal(new UInt256((ulong)n), state.World.GetStorage(contract, UInt256.Zero));
            Address genesisContract = Address.FromNumber(0xaa);
            Assert.Equal(new UInt256(2), state.World.GetStorage(genesisContract, UInt256.One));
            Assert.Equal(Hex.Decode("0x600160005500"), state.World.GetCode(genesisContract));
            // Recomputing the root of the untouched reopened state gives the head's root.
            Assert.Equal(head.StateRoot, state.World.ComputeStateRoot());

            // Blocks by number and hash, receipts, the transaction index, BLOCKHASH.
            Assert.Equal(genesisHash, store.GetBlockHash(0));
            for (int i = 1; i <= n; i++)
            {
                BuiltBlock b = built[i - 1];
                Block? byNumber = store.GetBlock((ulong)i);
                Assert.NotNull(byNumber);
                Assert.Equal(b.Block.Hash, byNumber!.Hash);
                Assert.Equal(b.Block.Encode(), store.GetBlock(b.Block.Hash)!.Encode());
                IReadOnlyList<Receipt> receipts = store.GetReceipts(b.Block.Hash)!;
                Assert.Equal(b.Receipts.Count, receipts.Count);
                for (int r = 0; r < receipts.Count; r++) Assert.Equal(b.Receipts[r].Encode(), receipts[r].Encode());
                Assert.Equal(b.Block.Header.ReceiptsRoot, Block.ComputeReceiptsRoot(receipts));
                for (int t = 0; t < b.Block.Transactions.Count; t++)
                {
                    Assert.True(store.TryGetTransactionLocation(b.Block.Transactions[t].Hash, out TransactionLocation loc));
                    Assert.Equal(new TransactionLocation((ulong)i, t), loc);
                }
            }
            Assert.Null(store.GetBlock((ulong)n + 1));
            Assert.True(store.TryGetTransaction(built[2].Block.Transactions[1].Hash, out Transaction tx, out Receipt receipt, out BlockHeader txHeader));
            Assert.Equal(3UL, txHeader.Number);
            Assert.Single(receipt.Logs);
            Assert.Equal(contract, tx.To);

            // The chain continues after reopening.
            BuiltBlock next = AppendBlock(store, n + 1, contract);
            Assert.Equal(head.Hash, next.Block.Header.ParentHash);
            Assert.Equal(next.Block.Hash, store.Head!.Hash);
        }
    }

    [Fact]
    public void AnUncommittedBatchLeavesThePreviousHead()
    {
        Address contract = Lockstep.Evm.Instructions.SystemOps.CreateAddress(TestChain.AddressOf(1), 0);
        BlockHeader committedHead;
        Hash256 lostHash;
        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new ChainStore(db);
            store.InitializeGenesis(TestChain.Genesis());
            AppendBlock(store, 1, contract);
            committedHead = store.Head!;

            // Stage block 2 completely, then "crash": the batch is disposed without Commit.
            ChainState state = store.OpenHeadState();
            var txs = new List<Transaction> { TestChain.Transfer(1, 2, Bob, 999_999) };
            BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(committedHead, state.World, txs, TestChain.Attributes(committedHead));
            lostHash = built.Block.Hash;
            using (IWriteBatch batch = db.StartWriteBatch())
            {
                store.StageBlock(batch, built.Block, built.Receipts, state);
                Assert.True(batch.Count > 5);
            }
            Assert.Equal(committedHead.Hash, store.Head!.Hash);
        }

        using (var db = new RocksDbKeyValueStore(_dir))
        {
            var store = new ChainStore(db);
            Assert.Equal(committedHead.Hash, store.Head!.Hash);
            Assert.Null(store.GetBlock(lostHash));
            Assert.Null(store.GetBlock(2UL));
            Assert.False(store.TryGetTransactionLocation(TestChain.Transfer(1, 2, Bob, 999_999).Hash, out _));
            ChainState state = store.OpenHeadState();
            Assert.Equal(new UInt256(101), state.World.GetBalance(Bob));
            Assert.Equal(2UL, state.World.GetNonce(TestChain.AddressOf(1)));
        }
    }

    [Fact]
    public void AFailingCommitLeavesThePreviousHead()
    {
        var memory = new MemoryKeyValueStore();
        var failing = new FailingStore(memory);
        var store = new ChainStore(failing);
        store.InitializeGenesis(TestChain.Genesis());
        BlockHeader genesisHead = store.Head!;
        int keysBefore = memory.Count;
        failing.FailCommits = true;
        ChainState state = store.OpenHeadState();
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(genesisHead, state.World, [TestChain.Transfer(1, 0, Bob, 5)], TestChain.Attributes(genesisHead));
        Assert.Throws<IOException>(() => store.CommitBlock(built.Block, built.Receipts, state));
        Assert.Equal(genesisHead.Hash, store.Head!.Hash);
        Assert.Equal(keysBefore, memory.Count);
        Assert.Equal(genesisHead.Hash, new ChainStore(memory).Head!.Hash);
    }

    [Fact]
    public void RejectsABlockThatDoesNotExtendTheHead()
    {
        var store = new ChainStore(new MemoryKeyValueStore());
        Block genesis = store.InitializeGenesis(TestChain.Genesis());
        Assert.Throws<InvalidOperationException>(() => store.InitializeGenesis(TestChain.Genesis()));
        ChainState state = store.OpenHeadState();
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(genesis.Header, state.World, [], TestChain.Attributes(genesis.Header));
        var orphan = new Block(new BlockHeader { Number = 1, ParentHash = Keccak256.Compute([9]), StateRoot = built.Block.Header.StateRoot }, []);
        Assert.Throws<InvalidOperationException>(() => store.CommitBlock(orphan, [], state));
        Assert.Equal(genesis.Hash, store.Head!.Hash);
    }

    /// <summary>A store whose batches throw on Commit, as a disk failure or a crash mid-commit would.</summary>
    private sealed class FailingStore(IKeyValueStore inner) : IKeyValueStore
    {
        public bool FailCommits { get; set; }
        public byte[]? Get(ReadOnlySpan<byte> key) => inner.Get(key);
        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => inner.Put(key, value);
        public void Delete(ReadOnlySpan<byte> key) => inner.Delete(key);
        public IWriteBatch StartWriteBatch() => new Batch(this, inner.StartWriteBatch());
        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(byte[] prefix) => inner.Iterate(prefix);
        public void Dispose() => inner.Dispose();

        private sealed class Batch(FailingStore owner, IWriteBatch inner) : IWriteBatch
        {
            public int Count => inner.Count;
            public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => inner.Put(key, value);
            public void Delete(ReadOnlySpan<byte> key) => inner.Delete(key);
            public void Commit()
            {
                if (owner.FailCommits) throw new IOException("simulated failure before the batch reached the disk");
                inner.Commit();
            }
            public void Dispose() => inner.Dispose();
        }
    }
}
