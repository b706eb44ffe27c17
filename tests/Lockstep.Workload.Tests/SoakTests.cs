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
    // Block caches this small fill in the first round, so from round 1 on the heap holds no cache still filling: what
    // it gains after that is retained per transaction (the caches' own bound is BlockCacheTests' subject).
    private const long SmallBlockCache = 256 << 10;
    // The heap after a full collection may gain at most this much from round 1 to any later round. A leak of ~2 KB per
    // transaction (1,200 a round) exceeds it by round 5; the session-4 leak (the soak's hash lists, ~100 KB a round)
    // would need more rounds, hence the structural bounds below, which catch any per-transaction retention at once.
    private const long HeapGrowthLimit = 8L << 20;

    [Fact]
    public async Task Mixed_honest_and_adversarial_load_keeps_every_invariant_and_a_flat_heap()
    {
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("LOCKSTEP_SOAK_ROUNDS"), out int r) && r > 0 ? r : 5;
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
            // Every cache in the process: the rollups', the embedded L1's and the verifier's replicas'.
            List<Lockstep.Node.RollupChain> caches = RetainedState.BlockCaches(devnet);
            Assert.True(caches.Count >= 4, $"{caches.Count} block caches");
            foreach (Lockstep.Node.RollupChain chain in caches) chain.BlockCacheByteLimit = SmallBlockCache;
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
                ulong heightBefore = devnet.Sequencer.Height;
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
                RetainedState kept = RetainedState.Of(devnet, l1);
                output.WriteLine($"round {round}: {load.Included}/{load.Acknowledged} honest in {load.Duration.TotalSeconds:0.0} s ({load.TxPerSecond:0} tx/s, p50 {load.ReceiptP50Ms:0} ms, p99 {load.ReceiptP99Ms:0} ms, L1 p50 {load.L1P50Ms:0} ms); "
                    + $"failing {load.FailingAcknowledged} acked / {load.FailingRejected} rejected; height {inv.Height}, L1 {inv.L1PostedHeight}; heap {heaps[^1] / 1048576.0:0.0} MB");
                output.WriteLine("  " + kept.Format());

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
                // Issue 8: the rollups' block caches are bounded in bytes, not only in blocks (the newest block is
                // kept even when it alone is above the bound).
                foreach (Lockstep.Node.RollupChain chain in RetainedState.BlockCaches(devnet))
                    Assert.True(chain.CachedBlockBytes <= chain.BlockCacheByteLimit || chain.CachedBlockCount == 1,
                        $"chain {chain.ChainId}: {chain.CachedBlockBytes} bytes in {chain.CachedBlockCount} blocks in the block cache");
                // Nothing kept per transaction or per superblock beyond what is pending now: the pools and their
                // journals hold at most the adversaries' held attempts (every honest transaction was included), the
                // protection's table at most the adversaries, the L1 tracker this round's postings only.
                Assert.InRange(kept.PooledTransactions, 0, AdversaryCount);
                Assert.InRange(kept.JournalTransactions, 0, AdversaryCount);
                Assert.InRange(kept.JournalRecords, 0, kept.JournalTransactions);
                Assert.InRange(kept.JournalEarlyRemovals, 0, AdversaryCount);
                Assert.InRange(kept.AdmissionSenders, 0, AdversaryCount);
                Assert.InRange(kept.L1Postings, 1, (int)(devnet.Poster!.Progress.LastHeight - heightBefore) + 1);
                Assert.InRange(kept.UnpostedSealMoments, 0, 64);
            }
            // The adversaries' bundles were executed and rejected (the failing leg really fails); once held by the
            // protection their last attempt waits in the pool (counted pending above), so later rounds see fewer.
            Assert.True(rejectedTotal > 0, "the adversaries got no bundle rejected: the failing leg is not failing");
            // Memory stable: from round 1 on (the small caches full since round 0) the heap after a full collection
            // stays within HeapGrowthLimit of its level then; a leak of the pools, statuses or subscriptions grows it
            // every round.
            for (int i = 2; i < heaps.Count; i++)
                Assert.True(heaps[i] - heaps[1] < HeapGrowthLimit, $"heap grew from {heaps[1] / 1048576.0:0.0} MB to {heaps[i] / 1048576.0:0.0} MB by round {i}");
        }
        finally
        {
            await devnet.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
    }
}
