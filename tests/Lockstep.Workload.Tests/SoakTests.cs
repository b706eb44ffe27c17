using Lockstep.Devnet;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;
using Lockstep.Testing;
using Xunit.Abstractions;

namespace Lockstep.Workload.Tests;

/// <summary>
/// The short soak of issue 8 (about a minute): an in-process devnet with the embedded L1 and the builder protection,
/// rounds of mixed honest (plain, ERC20, cross-rollup burns and calls) and adversarial (failing bundles) load over
/// JSON-RPC. After every round: no superblock failure, every acknowledged transaction present, every outbox root
/// equal to its inbox root, the LST supply conserved, the L1 posting caught up; and the managed heap after a full
/// collection does not keep growing from round to round. The long soak is the same with more rounds
/// (docs/load.md: LOCKSTEP_SOAK_ROUNDS).
/// </summary>
[Collection(DevnetCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Senders = 24;
    private const int AdversaryCount = 6;

    [Fact]
    public async Task Mixed_honest_and_adversarial_load_keeps_every_invariant_and_a_flat_heap()
    {
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("LOCKSTEP_SOAK_ROUNDS"), out int r) && r > 0 ? r : 4;
        int txsPerRound = int.TryParse(Environment.GetEnvironmentVariable("LOCKSTEP_SOAK_TXS"), out int t) && t > 0 ? t : 1_200;
        string dataDir = Path.Combine(Path.GetTempPath(), "lockstep-soak-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new DevnetOptions
        {
            Rollups = 3, BasePort = 0, DataDir = dataDir, Accounts = Senders + AdversaryCount, PostEverySeconds = 1,
            ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"), Admission = new BundleAdmissionOptions(),
            PoolPerSender = 4096,
        };
        Devnet.Devnet devnet = await Devnet.Devnet.StartAsync(options);
        try
        {
            var failures = new List<Exception>();
            devnet.Sequencer.Failed += e => { lock (failures) failures.Add(e); };
            var l1 = new L1Tracker();
            devnet.Poster!.Posted += p => l1.OnPosted(p.FirstHeight, p.LastHeight);
            ulong[] chainIds = [.. devnet.Sequencer.Chains.Select(c => c.ChainId)];
            Uri[] endpoints = [.. devnet.Rollups.Select(x => x.Server.Url)];
            IReadOnlyList<DevAccount> honest = [.. devnet.Accounts.Take(Senders)];
            IReadOnlyList<DevAccount> adversaries = [.. devnet.Accounts.Skip(Senders)];
            await BenchRunner.SubmitAndWaitAsync(endpoints, WorkloadGenerator.DevnetSetup(chainIds, honest, BenchRunner.SetupAmount), TimeSpan.FromSeconds(120), default);
            UInt256 supply = UInt256.Zero;
            for (int i = 0; i < devnet.Accounts.Count; i++) supply += options.TokenPerAccount;

            var heaps = new List<long>();
            int rejectedTotal = 0;
            for (int round = 0; round < rounds; round++)
            {
                // Each round continues every honest sender's nonces where the pool has them.
                Workload workload = WorkloadGenerator.Create(new WorkloadSpec
                {
                    ChainIds = chainIds, Honest = honest, Adversaries = adversaries, Transactions = txsPerRound,
                    Mix = WorkloadMix.Default, Token = SystemAddresses.CrossRollupToken, Seed = round, FailingIndexOffset = round * txsPerRound,
                    FirstNonce = (rollup, a) => devnet.Sequencer.Chains[rollup].Pool.GetPendingNonce(a.Address),
                });
                LoadReport load = await LoadDriver.RunAsync(endpoints, workload, new LoadOptions { Concurrency = 12, SettleTimeout = TimeSpan.FromSeconds(120) }, l1);
                InvariantReport inv = await InvariantChecker.CheckAsync(endpoints, chainIds, load.AcknowledgedHonest, load.AcknowledgedFailing, supply,
                    () => devnet.Poster!.Progress.LastHeight, TimeSpan.FromSeconds(60));
                heaps.Add(GC.GetTotalMemory(forceFullCollection: true));
                output.WriteLine($"round {round}: {load.Included}/{load.Acknowledged} honest in {load.Duration.TotalSeconds:0.0} s ({load.TxPerSecond:0} tx/s, p50 {load.ReceiptP50Ms:0} ms, p99 {load.ReceiptP99Ms:0} ms, L1 p50 {load.L1P50Ms:0} ms); "
                    + $"failing {load.FailingAcknowledged} acked / {load.FailingRejected} rejected; height {inv.Height}, L1 {inv.L1PostedHeight}; heap {heaps[^1] / 1048576.0:0.0} MB");

                Assert.Empty(failures);
                Assert.Empty(load.Missing);
                Assert.Equal(load.Sent, load.Acknowledged);
                Assert.Equal(load.Acknowledged, load.Included);
                Assert.Equal(0, load.FailingIncluded);
                rejectedTotal += load.FailingRejected;
                Assert.True(inv.Ok, string.Join("\n", inv.Violations));
                Assert.Equal(supply, inv.TokenSupply);
                Assert.Equal(6, inv.PairsChecked);
                Assert.Equal(load.AcknowledgedHonest.Count, inv.Receipts);
                // Issue 8: the rollups' block caches are bounded in bytes, not only in blocks.
                foreach (Lockstep.Node.RollupChain chain in devnet.Sequencer.Chains)
                    Assert.True(chain.CachedBlockBytes <= chain.BlockCacheByteLimit, $"chain {chain.ChainId}: {chain.CachedBlockBytes} bytes in the block cache");
            }
            // The adversaries' bundles were executed and rejected (the failing leg really fails); once held by the
            // protection their last attempt waits in the pool (counted pending above), so later rounds see fewer.
            Assert.True(rejectedTotal > 0, "the adversaries got no bundle rejected: the failing leg is not failing");
            // Memory stable: from the second round on (caches warm) the heap after a full collection stays within
            // 32 MB of where it was; a leak of the pools, statuses or subscriptions would grow it every round.
            for (int i = 2; i < heaps.Count; i++)
                Assert.True(heaps[i] - heaps[1] < 32L << 20, $"heap grew from {heaps[1] >> 20} MB to {heaps[i] >> 20} MB by round {i}");
        }
        finally
        {
            await devnet.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
    }
}
