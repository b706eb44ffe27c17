using System.Diagnostics;
using Lockstep.Primitives;
using Xunit.Abstractions;

namespace Lockstep.Verifier.Tests;

/// <summary>A verifier started late catches up from L1 alone, survives a restart (RocksDB data dir) and ends on the sequencer's roots.</summary>
public class CatchUpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_late_verifier_catches_up_from_L1_alone_resumes_after_a_restart_and_ends_with_the_sequencers_roots()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-verifier-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using FraudHarness h = await FraudHarness.StartAsync();
            for (int i = 0; i < 4; i++) { h.Build(burns: i % 3); if (i % 2 == 1) await h.PostAsync(); }
            await using (SetVerifier v = h.NewVerifier(dir))
            {
                Assert.Equal(2, (await v.SyncAsync()).Count);
                Assert.Equal(4UL, v.Progress.ReplicaHeight);
            }
            // Meanwhile the set moves on; the restarted verifier resumes at superbatch 2 (no replay of 0 and 1).
            for (int i = 0; i < 3; i++) h.Build(burns: 1);
            await h.PostAsync();
            await using (SetVerifier v = h.NewVerifier(dir))
            {
                Assert.Equal(4UL, v.Progress.ReplicaHeight);
                Assert.Equal(2, v.Verdicts.All.Count);
                IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
                SuperbatchVerdict only = Assert.Single(verdicts);
                Assert.Equal((2UL, VerdictKind.Ok), (only.Index, only.Kind));
                Assert.Equal(3L * 2, v.Progress.BlocksReplayed); // heights 5..7 on both rollups, nothing twice
                for (int r = 0; r < 2; r++) Assert.Equal(h.Set.Chains[r].Head.StateRoot, v.Chains[r].Head.StateRoot);
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Sync speed (docs/benchmarks.md, "Verifier"): 10 superblocks of 60 transfers and 6 bridged amounts per rollup
    /// pair, posted as 2 superbatches; a fresh verifier catches up. Prints blocks/s and tx/s (replay and commit only,
    /// and the whole sync with L1 reads).
    /// </summary>
    [Fact]
    public async Task Catch_up_speed()
    {
        await using FraudHarness h = await FraudHarness.StartAsync();
        for (int b = 0; b < 10; b++)
        {
            for (int i = 0; i < 15; i++)
            {
                h.Send(0, 3, FraudHarness.Accounts[4].Address, new UInt256(1 + (ulong)i));
                h.Send(0, 5, FraudHarness.Accounts[4].Address, new UInt256(1 + (ulong)i));
                h.Send(1, 4, FraudHarness.Accounts[5].Address, new UInt256(1 + (ulong)i));
                h.Send(1, 5, FraudHarness.Accounts[3].Address, new UInt256(1 + (ulong)i));
            }
            h.Build(burns: 3);
            if (b % 5 == 4) await h.PostAsync();
        }
        await using SetVerifier v = h.NewVerifier();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        Assert.All(await v.SyncAsync(), x => Assert.Equal(VerdictKind.Ok, x.Kind));
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        VerifierProgress p = v.Progress;
        Assert.Equal(20L, p.BlocksReplayed);
        Assert.True(p.TransactionsReplayed >= 10 * (62 + 3 + 3), $"{p.TransactionsReplayed}"); // 62 transfers, 3 burns, 3 mints per height (+ folds)
        output.WriteLine($"verifier catch-up: {p.BlocksReplayed} blocks, {p.TransactionsReplayed} txs; replay {p.ReplaySeconds:F3} s = " +
            $"{p.BlocksReplayed / p.ReplaySeconds:F0} blocks/s, {p.TransactionsReplayed / p.ReplaySeconds:F0} tx/s; whole sync {wall:F3} s wall " +
            $"({p.TransactionsReplayed / wall:F0} tx/s), {cpuSeconds:F3} s process CPU");
        for (int r = 0; r < 2; r++) Assert.Equal(h.Set.Chains[r].Head.StateRoot, v.Chains[r].Head.StateRoot);
    }
}
