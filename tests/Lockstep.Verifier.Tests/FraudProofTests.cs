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
        // Superbatch 0 honest (height 1), superbatch 1 cheats (height 2), superbatch 2 honest on top (height 3).
        await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(kind, 2));
        h.Build();
        await h.PostAsync();
        h.Build(burns: 2);
        await h.PostAsync();
        h.Build(burns: 0); // a later mint would now fail on its nonce: the cheat shifted the inbox
        await h.PostAsync();
        Assert.Single(h.Injected);
        Assert.Equal(3UL, await h.SuperbatchCountAsync());
        UInt256 bondBefore = await h.BondAsync(FraudHarness.Sequencer.Address);
        Assert.Equal(UInt256.Parse("1000000000000000000"), bondBefore);
        UInt256 challengerBefore = await h.L1BalanceAsync(FraudHarness.Challenger.Address);

        await using SetVerifier v = h.NewVerifier();
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();

        Assert.Equal(2, verdicts.Count); // 0 ok, 1 convicted; the verifier stops there
        Assert.Equal(VerdictKind.Ok, verdicts[0].Kind);
        SuperbatchVerdict bad = verdicts[1];
        Assert.Equal(VerdictKind.CrossRootMismatch, bad.Kind);
        Assert.Equal((1UL, 901UL, 902UL), (bad.Index, bad.ChainX, bad.ChainY));
        Assert.NotEqual(bad.Expected, bad.Claimed);
        Assert.True(bad.ActionSucceeded, bad.ActionError);
        Assert.NotNull(v.Progress.Halted);

        // L1: superbatch 1 and its successor 2 rejected, fraud proven with the roots the verifier saw, bond slashed.
        Assert.Equal(1UL, await h.SuperbatchCountAsync());
        L1Log rejected = Assert.Single(await h.InboxLogsAsync(SuperbatchesRejectedEvent.Topic));
        Assert.True(SuperbatchesRejectedEvent.TryDecode(rejected.Topics, rejected.Data, out SuperbatchesRejectedEvent? re));
        Assert.Equal((1UL, 3UL, FraudHarness.Challenger.Address), (re!.FromIndex, re.ToIndexExclusive, re.Challenger));
        L1Log proven = Assert.Single(await h.InboxLogsAsync(FraudProvenEvent.Topic));
        Assert.True(FraudProvenEvent.TryDecode(proven.Topics, proven.Data, out FraudProvenEvent? fp));
        Assert.Equal((bad.Expected, bad.Claimed), (fp!.OutboxRoot, fp.InboxRoot));
        Assert.Equal(bad.ActionTx, proven.TransactionHash);
        L1Receipt challengeReceipt = (await h.L1.GetReceiptAsync(bad.ActionTx!.Value))!;
        Assert.True(challengeReceipt.GasUsed > 21_000);
        output.WriteLine($"{kind}: fraud proof (challenge) L1 gas used {challengeReceipt.GasUsed}");
        Assert.Equal(UInt256.Zero, await h.BondAsync(FraudHarness.Sequencer.Address));
        // Reward: rewardBps 5000 of the 1 ETH bond, minus the challenge's gas.
        UInt256 challengerAfter = await h.L1BalanceAsync(FraudHarness.Challenger.Address);
        Assert.True(challengerAfter > challengerBefore, "the challenger earns more than its gas");

        // The verifier sees the rejection and derives the set again from what is left on L1 (superbatch 0).
        var resets = new List<string>();
        v.ReplicasReset += resets.Add;
        IReadOnlyList<SuperbatchVerdict> after = await v.SyncAsync();
        Assert.Single(resets);
        Assert.Single(after);
        Assert.Equal((0UL, VerdictKind.Ok), (after[0].Index, after[0].Kind));
        Assert.Null(v.Progress.Halted);
        Assert.Equal(1UL, v.Progress.ReplicaHeight);
        Assert.Equal(h.Set.Chains[1].GetBlock(1)!.Hash, v.Chains[1].Head.Hash);
    }

    [Fact]
    public async Task A_forged_state_root_is_a_state_root_verdict_and_raises_the_L1_flag()
    {
        await using FraudHarness h = await FraudHarness.StartAsync(faults: new InjectedFault(FaultKind.ForgeStateRoot, 2, 902));
        h.Build();
        await h.PostAsync();
        h.Build();
        await h.PostAsync();
        await using SetVerifier v = h.NewVerifier();
        IReadOnlyList<SuperbatchVerdict> verdicts = await v.SyncAsync();
        Assert.Equal(2, verdicts.Count);
        SuperbatchVerdict bad = verdicts[1];
        Assert.Equal((VerdictKind.StateRootMismatch, 902UL), (bad.Kind, bad.ChainX));
        Assert.Equal(h.Set.Chains[1].Head.StateRoot, bad.Expected);   // ours = the sequencer's real root
        Assert.Equal(Keccak256.Compute(bad.Expected.ToArray()), bad.Claimed); // the forgery
        Assert.True(bad.ActionSucceeded, bad.ActionError);             // flagStateRoot (alarm only: no arbiter here)
        Assert.Single(await h.InboxLogsAsync(AbiValue.EventTopic("StateRootFlagged(uint256,uint256,address,bytes32,bytes32)")));
        // No arbiter: L1 cannot settle it, so the superbatch stays and the verifier keeps refusing to follow.
        Assert.Equal(2UL, await h.SuperbatchCountAsync());
        Assert.Empty(await v.SyncAsync());
        Assert.Contains("StateRootMismatch", v.Progress.Halted);
    }

    [Fact]
    public async Task Fault_injection_is_refused_outside_dev_mode()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new FaultInjector(devMode: false, [new InjectedFault(FaultKind.DropMint, 1)]));
        Assert.Contains("refused outside a devnet", e.Message);
    }
}
