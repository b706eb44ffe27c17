using Lockstep.Chain;
using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Node.Tests;

/// <summary>RollupChain + BlockProducer: production modes, timestamps, head events, reopening, simulation.</summary>
public sealed class NodeRuntimeTests
{
    private static readonly IReadOnlyList<DevAccount> Accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 2);
    private static readonly Address Recipient = Address.FromHex("0x000000000000000000000000000000000000beef");

    private static RollupChain NewChain(IKeyValueStore? db = null, ulong chainId = 31337) =>
        new(db ?? new MemoryKeyValueStore(), DevGenesis.Create(chainId, Accounts.Select(a => a.Address)), new TxPoolOptions { ChainId = chainId });

    private static byte[] Transfer(int from, ulong nonce, UInt256 value, ulong chainId = 31337, byte[]? data = null, Address? to = null, ulong gas = 100_000) =>
        new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = chainId,
            Nonce = nonce,
            MaxFeePerGas = 10_000_000_000,
            MaxPriorityFeePerGas = 1_000_000_000,
            GasLimit = gas,
            To = to ?? Recipient,
            Value = value,
            Data = data ?? [],
        }.Sign(Accounts[from].PrivateKey).Encode();

    private static void WaitFor(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), "timed out");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void Instant_mode_mines_everything_pending_and_raises_new_heads()
    {
        using RollupChain chain = NewChain();
        var heads = new List<BlockData>();
        chain.NewHead += b => { lock (heads) heads.Add(b); };
        using var producer = new BlockProducer(chain);
        producer.Start();
        for (ulong n = 0; n < 10; n++) Assert.True(chain.SubmitTransaction(Transfer(0, n, 1)).Accepted);
        // NewHead fires after the head moves: wait for the events themselves.
        WaitFor(() => { lock (heads) return heads.Sum(h => h.Block.Transactions.Count) == 10; });
        Assert.True(chain.OpenStateReader(chain.Head).TryGetAccount(Recipient, out var account));
        Assert.Equal(new UInt256(10), account.Balance);
        Assert.Equal(0, chain.Pool.Count);
        lock (heads)
        {
            for (int i = 1; i < heads.Count; i++)
            {
                Assert.Equal(heads[i - 1].Hash, heads[i].Header.ParentHash);
                Assert.True(heads[i].Header.Timestamp > heads[i - 1].Header.Timestamp);
            }
        }
        Assert.True(chain.TryGetTransaction(TransactionDecoder.Decode(Transfer(0, 9, 1)).Hash, out BlockData block, out int index));
        Assert.Equal(Accounts[0].Address, block.Senders[index]);
    }

    [Fact]
    public void Manual_mode_mines_only_on_request_with_the_requested_timestamp()
    {
        using RollupChain chain = NewChain();
        using var producer = new BlockProducer(chain, new ProducerOptions { Mode = ProductionMode.Manual });
        producer.Start();
        Assert.True(chain.SubmitTransaction(Transfer(1, 0, 5)).Accepted);
        Thread.Sleep(200);
        Assert.Equal(0UL, chain.Head.Number);
        ulong ts = chain.Head.Timestamp + 1000;
        producer.SetNextTimestamp(ts);
        BlockData block = producer.Mine();
        Assert.Equal(1UL, block.Number);
        Assert.Equal(ts, block.Header.Timestamp);
        Assert.Single(block.Block.Transactions);
        Assert.Throws<ArgumentException>(() => producer.SetNextTimestamp(ts));
        // An empty block on demand.
        Assert.Empty(producer.Mine().Block.Transactions);
        Assert.Equal(2UL, chain.Head.Number);
    }

    [Fact]
    public void Interval_mode_makes_blocks_even_without_transactions()
    {
        using RollupChain chain = NewChain();
        using var producer = new BlockProducer(chain, new ProducerOptions { Mode = ProductionMode.Interval, BlockTime = TimeSpan.FromMilliseconds(50) });
        producer.Start();
        WaitFor(() => chain.Head.Number >= 3);
        Assert.Empty(chain.GetBlock(1)!.Block.Transactions);
    }

    [Fact]
    public void A_block_built_elsewhere_commits_through_the_chain_and_updates_the_pool()
    {
        // The sequencer's path: build with BlockBuilder, then CommitBlock (no BlockProducer).
        using RollupChain chain = NewChain();
        Assert.True(chain.SubmitTransaction(Transfer(0, 0, 7)).Accepted);
        Assert.True(chain.SubmitTransaction(Transfer(0, 1, 7)).Accepted);
        var txs = chain.Pool.SelectForBlock(chain.NextBaseFee, 30_000_000, 10).Select(p => p.Transaction).ToList();
        ChainState state = chain.Store.OpenHeadState();
        BuiltBlock built = new BlockBuilder(chain.ChainId) { BlockHashes = chain.Store }.Build(chain.Head, state.World, txs,
            new BlockAttributes { Timestamp = chain.Head.Timestamp + 12 });
        BlockData data;
        lock (chain.WriteLock) data = chain.CommitBlock(built, state);
        Assert.Equal(data.Hash, chain.Head.Hash);
        Assert.Equal(0, chain.Pool.Count);
        Assert.Equal(2UL, chain.Pool.GetPendingNonce(Accounts[0].Address));
        Assert.Equal(21000UL, data.GasUsed(1));
    }

    [Fact]
    public void Reopening_with_another_genesis_is_refused()
    {
        var db = new MemoryKeyValueStore();
        using (NewChain(db)) { }
        Assert.Throws<InvalidOperationException>(() => NewChain(db, chainId: 5));
        // Another allocation gives another genesis hash.
        Assert.Throws<InvalidOperationException>(() => new RollupChain(db, DevGenesis.Create(31337, [Recipient]), new TxPoolOptions { ChainId = 31337 }));
        using RollupChain same = NewChain(db);
        Assert.Equal(0UL, same.Head.Number);
    }

    [Fact]
    public void Pooled_transactions_survive_a_reopen_and_included_ones_leave_the_journal()
    {
        var db = new MemoryKeyValueStore();
        Hash256 a, b;
        using (RollupChain first = NewChain(db))
        {
            a = first.SubmitTransaction(Transfer(0, 0, 1)).Hash;
            b = first.SubmitTransaction(Transfer(0, 1, 1)).Hash;
            Assert.True(first.SubmitTransaction(Transfer(1, 0, 1)).Accepted);
            // A removed transaction leaves the journal; submitted again, it is journaled again.
            Assert.True(first.Pool.Remove(a, "test"));
            Assert.True(first.SubmitTransaction(Transfer(0, 0, 1)).Accepted);
        }
        // Nothing was mined before the "crash": reopening re-pools all three acknowledged transactions.
        using RollupChain second = NewChain(db);
        Assert.Equal(3, second.RestoredTransactions);
        Assert.True(second.Pool.TryGet(a, out _));
        Assert.True(second.Pool.TryGet(b, out _));
        using (var producer = new BlockProducer(second, new ProducerOptions { Mode = ProductionMode.Manual }))
            Assert.Equal(3, producer.Mine().Block.Transactions.Count);
        // Every record left the journal with its last transaction (group commit deletes records, not hashes).
        Assert.Empty(db.Iterate("NodePool"u8.ToArray()));
        using RollupChain third = NewChain(db);
        Assert.Equal(0, third.RestoredTransactions);
        Assert.Equal(0, third.Pool.Count);
    }

    [Fact]
    public void Logs_queries_respect_their_limits()
    {
        using RollupChain chain = NewChain();
        using var producer = new BlockProducer(chain, new ProducerOptions { Mode = ProductionMode.Manual });
        for (int i = 0; i < 5; i++) producer.Mine();
        Assert.Throws<ChainQueryException>(() => chain.GetLogs(new LogFilter(), 0, 5, 3, 100));
        Assert.Empty(chain.GetLogs(new LogFilter(), 0, 100, 1000, 100)); // clamped to the head
    }
}
