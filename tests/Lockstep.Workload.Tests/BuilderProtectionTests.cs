using System.Diagnostics;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;
using Xunit.Abstractions;

namespace Lockstep.Workload.Tests;

/// <summary>
/// Issue 8: spam of failing bundles at full rate must not cut honest throughput by more than half. Measured in the
/// builder, in process, as honest transactions included per superblock (deterministic), with the build time beside
/// it for information. Every adversary always has one failing bundle in the pool (a new one the moment the last
/// is rejected) at 50x the honest priority fee, so the pool's fee order puts the spam first.
/// </summary>
public sealed class BuilderProtectionTests(ITestOutputHelper output)
{
    private const int Superblocks = 30;
    private const int Slots = 100;          // candidates per rollup and superblock (SharedSequencerOptions.MaxTransactionsPerRollup)
    private const int HonestSenders = 20;
    private const int Adversaries = 160;    // 80 per rollup: without protection they take 80 of the 100 slots

    private sealed record Run(double HonestPerSuperblock, int Rejected, TimeSpan BuildTime);

    private static Run Measure(bool spam, BundleAdmissionOptions? protection)
    {
        using var set = new SpamSet(HonestSenders, spam ? Adversaries : 0, Slots, protection);
        // More honest work than the run can include, so honest throughput is limited by the builder, not by supply.
        Workload honest = WorkloadGenerator.Create(new WorkloadSpec
        {
            ChainIds = set.ChainIds, Honest = set.Honest, Transactions = Superblocks * Slots * SpamSet.Rollups + 400,
            Mix = new WorkloadMix(100, 0, 0, 0), Token = SystemAddresses.CrossRollupToken,
        });
        foreach (PreparedTransaction tx in honest.Honest) set.Add(tx);
        var spamSpec = new WorkloadSpec
        {
            ChainIds = set.ChainIds, Honest = set.Honest, Transactions = 0, Mix = WorkloadMix.Default, Token = SystemAddresses.CrossRollupToken,
            MaxPriorityFeePerGas = UInt256.Parse("50000000000"),
        };
        var current = new PreparedTransaction?[set.Adversaries.Count];
        int attempt = 0, rejected = 0, included = 0;
        var honestHashes = new HashSet<Hash256>();
        foreach (PreparedTransaction tx in honest.Honest) honestHashes.Add(tx.Hash);
        TimeSpan building = TimeSpan.Zero;
        for (int b = 0; b < Superblocks; b++)
        {
            // Full rate: every adversary whose last bundle is gone (rejected) sends the next one.
            for (int a = 0; a < current.Length; a++)
            {
                if (current[a] is { } last && set.InPool(last)) continue;
                current[a] = WorkloadGenerator.CreateFailing(spamSpec, a % SpamSet.Rollups, set.Adversaries[a], attempt++);
                set.Add(current[a]!);
            }
            long t = Stopwatch.GetTimestamp();
            Superblock sb = set.Build();
            building += Stopwatch.GetElapsedTime(t);
            foreach (BundleReport r in sb.Bundles)
            {
                if (r.Outcome == BundleOutcome.Rejected) rejected++;
                else if (r.Outcome == BundleOutcome.Included && honestHashes.Contains(r.TxHash)) included++;
            }
        }
        return new Run((double)included / Superblocks, rejected, building);
    }

    [Fact]
    public void Failing_bundle_spam_at_full_rate_keeps_at_least_half_of_honest_throughput()
    {
        Run quiet = Measure(spam: false, new BundleAdmissionOptions());
        Run unprotected = Measure(spam: true, protection: null);
        Run protectedRun = Measure(spam: true, new BundleAdmissionOptions());
        foreach ((string name, Run r) in new[] { ("no spam", quiet), ("spam, no protection", unprotected), ("spam, protection", protectedRun) })
            output.WriteLine($"{name}: {r.HonestPerSuperblock:0.0} honest txs per superblock, {r.Rejected} rejected bundles, build {r.BuildTime.TotalMilliseconds:0} ms"
                + $" ({r.HonestPerSuperblock * Superblocks / r.BuildTime.TotalSeconds:0} honest tx per build second)");

        // Without spam every slot of both rollups carries an honest transaction.
        Assert.Equal(Slots * SpamSet.Rollups, quiet.HonestPerSuperblock);
        // The attack is real: unprotected, the spam takes most slots in every superblock.
        Assert.True(unprotected.HonestPerSuperblock < quiet.HonestPerSuperblock / 2, $"unprotected: {unprotected.HonestPerSuperblock}");
        Assert.True(unprotected.Rejected >= Superblocks * (Adversaries - 1));
        // Protected: at least half of the honest throughput, and each adversary is charged at most its burst plus the
        // refills of the run (3 + 30 * 0.1 = 6).
        Assert.True(protectedRun.HonestPerSuperblock >= quiet.HonestPerSuperblock / 2, $"protected: {protectedRun.HonestPerSuperblock}");
        Assert.True(protectedRun.Rejected <= Adversaries * 6, $"protected: {protectedRun.Rejected} rejections");
    }
}
