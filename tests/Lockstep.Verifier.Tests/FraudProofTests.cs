using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.SystemContracts;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// Issue 6 end to end on the embedded L1: the verifier derives both rollups from L1 data alone, finds each injected
/// fault, proves it on L1 by itself, and the contracts slash and reject; an honest run is verified ok.
/// </summary>
public class FraudProofTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Honest_run_is_verified_ok_and_the_replicas_derive_the_sequencers_blocks_exactly()
    {
        await using FraudHarness h = await FraudHarness.StartAsync();
        h.Build(burns: 2);
        h.Build(burns: 1);
        await h.PostAsync();
        h.Build(burns: 0);
        await h.PostAsync();
        await using SetVerifier v = h.NewVerifier();
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();

        Assert.True(verdicts.Count == 2, string.Join("; ", verdicts.Select(x => $"{x.Index} {x.Kind} {x.Detail}")));
        Assert.All(verdicts, x => Assert.Equal(VerdictKind.Ok, x.Kind));
        Assert.Equal(3UL, v.Progress.ReplicaHeight);
        for (int r = 0; r < 2; r++)
        {
            for (ulong n = 1; n <= 3; n++)
            {
                // Same header (hence hash: state, transactions with their 0x7F deliveries, receipts) as the sequencer's block.
                Assert.Equal(h.Set.Chains[r].GetBlock(n)!.Hash, v.Chains[r].GetBlock(n)!.Hash);
            }
        }
        Assert.Equal(6L, v.Progress.BlocksReplayed);
        // Every transaction of the sequencer's blocks was re-executed: transfers, burns, their 0x7F mints (and folds).
        long sequenced = 0;
        for (int r = 0; r < 2; r++) for (ulong n = 1; n <= 3; n++) sequenced += h.Set.Chains[r].GetBlock(n)!.Block.Transactions.Count;
        Assert.True(sequenced >= 12, $"{sequenced}"); // at least 6 transfers + 3 burns + 3 mints
        Assert.Equal(sequenced, v.Progress.TransactionsReplayed);
        Assert.Empty(await v.SyncAsync()); // nothing new
    }

    public static TheoryData<FaultKind> CrossFaults => new() { FaultKind.DropMint, FaultKind.MintWithoutBurn, FaultKind.ReorderMessages };

    [Theory]
    [MemberData(nameof(CrossFaults))]
    public async Task Each_cross_rollup_fault_is_detected_challenged_slashed_and_rejected_with_its_successors(FaultKind kind)
    {
        await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(kind, 2));
        await Scenarios.CrossFaultAsync(h, kind, output);
    }

    [Fact]
    public async Task A_forged_state_root_is_a_state_root_verdict_and_raises_the_L1_flag()
    {
        await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(FaultKind.ForgeStateRoot, 2, 902));
        await Scenarios.ForgedRootAsync(h);
    }

    [Fact]
    public async Task Fault_injection_is_refused_outside_dev_mode()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new FaultInjector(devMode: false, [new InjectedFault(FaultKind.DropMint, 1)]));
        Assert.Contains("refused outside a devnet", e.Message);
    }
}
