using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.Workload.Tests;

/// <summary>
/// <c>lockstep bench</c> runs that need a devnet (short): settling on an external L1 (issue 8, "drives a devnet
/// (embedded or anvil L1)"), checked against anvil's own logs; the soak's rounds; the plain progress lines.
/// </summary>
[Collection(DevnetCollection.Name)]
public sealed class BenchRunTests
{
    private static readonly Hash256 SubmittedTopic = Keccak256.Compute(System.Text.Encoding.ASCII.GetBytes(
        "SuperbatchSubmitted(uint256,bytes32,address,bytes32,uint256,bytes32,(uint256,uint64,uint64,bytes32,bytes32)[])"));

    private static string Artifacts => Path.Combine(RepoPaths.Root, "contracts", "artifacts");

    [Fact]
    public async Task Bench_with_an_anvil_L1_deploys_there_posts_every_included_height_there_and_keeps_the_invariants()
    {
        string binary = AnvilProcess.Find(RepoPaths.Root) ?? throw new InvalidOperationException("anvil is missing: run `cd tools && npm ci`");
        using AnvilProcess anvil = AnvilProcess.Start(binary, accounts: 2, blockTime: 1);
        var lines = new StringWriter();
        BenchReport report = await BenchRunner.RunAsync(new BenchOptions
        {
            Rollups = 2, Transactions = 120, Senders = 4, Adversaries = 2, Concurrency = 4, L1Rpc = anvil.Url, ArtifactsDir = Artifacts,
            SettleTimeout = TimeSpan.FromSeconds(150),
        }, TextWriter.Null, default, new LineBenchProgress(lines));

        Assert.True(report.Ok, report.Format());
        LoadReport load = report.Lockstep!;
        Assert.Equal(load.Acknowledged, load.Included);
        Assert.Equal(0, load.NotOnL1);
        Assert.False(double.IsNaN(load.L1P50Ms), "no submit->L1 latency: nothing reached anvil");
        ulong posted = report.Invariants!.L1PostedHeight ?? 0;
        Assert.True(posted >= report.Invariants.Height, $"L1 at {posted}, rollups at {report.Invariants.Height}");

        // anvil's own record: the inbox the devnet deployed there holds superbatches 0..n-1, in order, once each,
        // and the last one covers the height the invariants were checked at.
        using var rpc = new RpcClient(anvil.Url, 1);
        JsonElement logs = await rpc.CallAsync("eth_getLogs", $"[{{\"fromBlock\":\"0x0\",\"toBlock\":\"latest\",\"topics\":[\"{SubmittedTopic}\"]}}]");
        Assert.True(logs.GetArrayLength() >= 1, "no SuperbatchSubmitted on anvil");
        ulong expected = 0;
        ulong lastCovered = 0;
        foreach (JsonElement log in logs.EnumerateArray())
        {
            Assert.Equal(expected++, (ulong)UInt256.Parse(log.GetProperty("topics")[1].GetString()!));
            // data (contracts/src/l1/L1SharedInbox.sol): parentHash, depositCount, depositQueueHash, the array's offset,
            // its length, then per rollup the static tuple (chainId, firstBlock, lastBlock, dataHash, stateRoot):
            // the first rollup's lastBlock is word 7.
            byte[] data = Hex.Decode(log.GetProperty("data").GetString()!);
            lastCovered = (ulong)new UInt256(data.AsSpan(32 * 7, 32));
        }
        Assert.True(lastCovered >= report.Invariants.Height, $"anvil's last superbatch ends at {lastCovered}, the invariants were checked at {report.Invariants.Height}");

        // Plain progress lines (not a terminal here): each step announced and closed, no carriage return.
        string progress = lines.ToString();
        foreach (string step in new[] { "starting the devnet and deploying the L1 contracts", "setup: ", "signing: ", "sending: ", "waiting for receipts: ", "waiting for L1: " })
            Assert.Contains(step, progress);
        Assert.DoesNotContain('\r', progress);
    }

    [Fact]
    public async Task Soak_rounds_continue_the_senders_nonces_and_check_the_invariants_every_round()
    {
        BenchReport report = await BenchRunner.RunAsync(new BenchOptions
        {
            Rollups = 2, Transactions = 80, Senders = 4, Adversaries = 2, Concurrency = 4, ArtifactsDir = Artifacts,
            Duration = TimeSpan.FromMilliseconds(1), MinRounds = 3, SettleTimeout = TimeSpan.FromSeconds(120),
        }, TextWriter.Null);

        Assert.True(report.Ok, report.Format());
        Assert.Equal(3, report.Rounds.Count);
        foreach (SoakRound r in report.Rounds)
        {
            Assert.True(r.Invariants.Ok, r.Format());
            Assert.Equal(r.Load.Sent, r.Load.Included); // every round's honest transactions got in: nonces continued
            Assert.Equal(r.Load.Acknowledged, r.Invariants.Receipts);
            // The round's resource figures (docs/load.md, "The long soak"): every included height was posted during
            // the round (the driver waited for it), and what the devnet retains is bounded by what is pending.
            Assert.True(r.WorkingSetBytes > r.HeapBytes, r.Format());
            Assert.True(r.DataDirBytes > 0, r.Format());
            Assert.NotNull(r.MaxL1Lag);
            Assert.True(r.Posted is { Superbatches: > 0, CalldataBytes: > 0 } p && p.UserTransactions >= r.Load.Included, r.Format());
            RetainedState kept = Assert.IsType<RetainedState>(r.Retained);
            Assert.InRange(kept.PooledTransactions, 0, 2); // at most one held attempt per adversary
            Assert.InRange(kept.JournalTransactions, 0, 2);
            Assert.InRange(kept.L1Postings, 1, r.Posted!.Value.Superbatches + 1);
            Assert.Contains("retained: pool ", kept.Format());
        }
        // The soak keeps only the figures of checked rounds (issue 8: their hash lists grew the heap it measures);
        // the last round's lists stay for the report.
        Assert.Empty(report.Rounds[0].Load.AcknowledgedHonest);
        Assert.Equal(report.Rounds[2].Load.Acknowledged, report.Rounds[2].Load.AcknowledgedHonest.Count);
        Assert.True(report.Rounds[2].Invariants.Height > report.Rounds[0].Invariants.Height);
        Assert.Contains("soak: 3 rounds", report.Format());
        Assert.Null(report.MemoryViolation);
    }

    [Fact]
    public void Spam_share_keeps_the_honest_proportions()
    {
        Assert.Equal(new WorkloadMix(40, 15, 15, 30), WorkloadMix.Default.WithFailing(30)); // 50:20:20 of 70, rounding to plain
        Assert.Equal(new WorkloadMix(56, 22, 22, 0), WorkloadMix.Default.WithFailing(0));
        Assert.Equal(new WorkloadMix(0, 0, 0, 100), WorkloadMix.Default.WithFailing(100));
        Assert.Throws<ArgumentException>(() => WorkloadMix.Default.WithFailing(101));
        Assert.Throws<ArgumentException>(() => new WorkloadMix(0, 0, 0, 100).WithFailing(50));
    }
}
