using System.Diagnostics;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;
using Xunit.Abstractions;

namespace Lockstep.Chain.Tests;

/// <summary>A block of many transfers built and committed to RocksDB; reports the time it took.</summary>
public sealed class LargeBlockTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-chain-large-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void ThousandTransfersToDistinctRecipientsBuildAndPersist()
    {
        const int perSender = 500;
        var txs = new List<Transaction>();
        for (int i = 0; i < perSender; i++)
        {
            txs.Add(TestChain.Transfer(1, (ulong)i, Address.FromNumber(0x100000u + (uint)i), 1));
            txs.Add(TestChain.Transfer(2, (ulong)i, Address.FromNumber(0x200000u + (uint)i), 2));
        }
        using var db = new RocksDbKeyValueStore(_dir);
        var store = new ChainStore(db);
        store.InitializeGenesis(TestChain.Genesis());
        BlockHeader head = store.Head!;

        var clock = Stopwatch.StartNew();
        ChainState state = store.OpenHeadState();
        BuiltBlock built = new BlockBuilder(TestChain.ChainId).Build(head, state.World, txs, TestChain.Attributes(head));
        TimeSpan buildTime = clock.Elapsed;
        store.CommitBlock(built.Block, built.Receipts, state);
        TimeSpan total = clock.Elapsed;
        output.WriteLine($"{txs.Count} transfers: build {buildTime.TotalMilliseconds:F0} ms, build + commit {total.TotalMilliseconds:F0} ms");

        Assert.Empty(built.Skipped);
        Assert.Equal(21_000UL * (ulong)txs.Count, built.Block.Header.GasUsed);
        ChainState after = store.OpenHeadState();
        Assert.Equal(new UInt256(2), after.World.GetBalance(Address.FromNumber(0x200000u + perSender - 1)));
        Assert.Equal((ulong)perSender, after.World.GetNonce(TestChain.AddressOf(1)));
        Assert.Equal(built.Block.Header.StateRoot, after.World.ComputeStateRoot());
    }
}
