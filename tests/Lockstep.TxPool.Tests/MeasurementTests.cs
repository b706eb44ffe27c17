using System.Diagnostics;
using Lockstep.Primitives;
using Lockstep.Transactions;
using Xunit.Abstractions;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>
/// A cheap, BenchmarkDotNet-free measurement of the pool's hot paths (numbers go to the test output; README.md
/// quotes one run). Asserts only correctness, never timings: the machine is shared.
/// </summary>
public sealed class MeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void AddSelectAndNewHeadThroughput()
    {
        const int senders = 1000, perSender = 4, total = senders * perSender;
        var state = Funded(senders);
        var raws = new byte[total][];
        var rng = new Random(5);
        for (int s = 0; s < senders; s++)
        {
            for (int n = 0; n < perSender; n++)
            {
                UInt256 tip = Gwei * (ulong)rng.Next(1, 50);
                raws[s * perSender + n] = Dyn(Key(s), (ulong)n, tip, tip + Gwei * 10).Encode();
            }
        }

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < total; i++)
        {
            Transaction decoded = TransactionDecoder.Decode(raws[i]);
            Assert.True(decoded.TryRecoverSender(ChainId, out _, out _));
        }
        double recoverOnly = clock.Elapsed.TotalSeconds;

        var pool = Pool(state);
        clock.Restart();
        for (int i = 0; i < total; i++) Assert.True(pool.Add(raws[i]).Accepted);
        double addSeq = clock.Elapsed.TotalSeconds;
        Assert.Equal(total, pool.PendingCount);

        var parallelPool = Pool(state);
        clock.Restart();
        Parallel.For(0, senders, s =>
        {
            for (int n = 0; n < perSender; n++) Assert.True(parallelPool.Add(raws[s * perSender + n]).Accepted);
        });
        double addPar = clock.Elapsed.TotalSeconds;
        Assert.Equal(total, parallelPool.PendingCount);

        pool.SelectForBlock(Gwei, 30_000_000, 10_000); // warm-up (JIT)
        clock.Restart();
        IReadOnlyList<PooledTransaction> block = pool.SelectForBlock(Gwei, 30_000_000, 10_000);
        double select = clock.Elapsed.TotalSeconds;
        Assert.Equal(30_000_000 / 21_000, block.Count);

        var included = new List<Hash256>(block.Count);
        foreach (PooledTransaction tx in block)
        {
            included.Add(tx.Hash);
            AccountStateAfter(state, tx);
        }
        clock.Restart();
        pool.OnNewHead(state, Gwei, included);
        double head = clock.Elapsed.TotalSeconds;
        Assert.Equal(total - block.Count, pool.Count);

        output.WriteLine($"decode + recover only, 1 thread: {total / recoverOnly:N0} tx/s");
        output.WriteLine($"add (decode + recover + insert), 1 thread: {total / addSeq:N0} tx/s");
        output.WriteLine($"add, {Environment.ProcessorCount} cores: {total / addPar:N0} tx/s");
        output.WriteLine($"SelectForBlock {block.Count} of {total} pending from {senders} senders: {select * 1000:N2} ms");
        output.WriteLine($"OnNewHead removing {block.Count}, re-reading {senders} senders: {head * 1000:N2} ms");
    }

    private static void AccountStateAfter(MapState state, PooledTransaction tx)
    {
        var account = state.Get(tx.Sender);
        state.Set(tx.Sender, tx.Nonce + 1, account.Balance);
    }
}
