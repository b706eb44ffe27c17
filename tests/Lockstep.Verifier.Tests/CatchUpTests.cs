using Lockstep.Testing;
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
                Assert.Equal(2L, v.Verdicts.Count);
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
    /// Sync speed (docs/benchmarks.md, "Verifier"; the full-size run is <c>lockstep verify bench</c>): a small run of
    /// the same benchmark, 4 superbatches of 120 transactions (5% bridged) on 2 rollups, caught up by a late verifier
    /// with RocksDB replicas, which must end on the sequencer's state roots (the benchmark throws otherwise).
    /// </summary>
    [Fact]
    public async Task Catch_up_benchmark_ends_on_the_sequencers_roots_and_reports_its_speed()
    {
        var seen = new List<ulong>();
        CatchUpResult r = await CatchUpBenchmark.RunAsync(new CatchUpBenchmarkOptions
        {
            ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"), Superbatches = 4, TransactionsPerSuperbatch = 120,
        }, v => { lock (seen) seen.Add(v.Progress.VerifiedSuperbatches); });
        Assert.Equal(4, r.Superbatches);
        Assert.Equal(8L, r.Blocks);
        // 120 user transactions per superbatch, 6 of them burns, each with its 0x7F mint, and the folds on both rollups.
        Assert.Equal(4L * (120 + 6 + 2), r.Transactions);
        Assert.True(r.SyncSeconds >= r.ReplaySeconds && r.ReplaySeconds > 0);
        Assert.Equal(4UL, seen[^1]); // the progress callback saw the end
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"verifier catch-up: {r.Blocks} blocks, {r.Transactions} txs in {r.SyncSeconds:F3} s = {r.BlocksPerSecond:F1} blocks/s, {r.TransactionsPerSecond:F0} tx/s; " +
            $"re-execution {r.ReplayTransactionsPerSecond:F0} tx/s; CPU {r.CpuSeconds:F3} s"));
    }
}
