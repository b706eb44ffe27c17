using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Xunit.Abstractions;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// The fraud-proof scenarios of issue 6, written once and run against every L1 the harness can post to: the embedded
/// L1 (our EVM, instant blocks) and anvil (another EVM, a real mempool, over JSON-RPC). Expected values come from the
/// L1 itself (events, bonds, balances read back), never from the verifier's own bookkeeping.
/// </summary>
internal static class Scenarios
{
    public static readonly UInt256 Bond = UInt256.Parse("1000000000000000000");

    /// <summary>
    /// Superbatch 0 honest (height 1), superbatch 1 cheats with <paramref name="kind"/> (height 2), superbatch 2 honest on
    /// top (height 3): the verifier convicts 1, its challenge succeeds on L1 (FraudProven with its roots,
    /// SuperbatchesRejected(1, 3), bond 0, challenger paid), then it re-derives the set from what L1 kept.
    /// </summary>
    public static async Task CrossFaultAsync(FraudHarness h, FaultKind kind, ITestOutputHelper output)
    {
        h.Build();
        await h.PostAsync();
        h.Build(burns: 2);
        await h.PostAsync();
        h.Build(burns: 0); // a later mint would now fail on its nonce: the cheat shifted the inbox
        await h.PostAsync();
        Assert.Single(h.Injected);
        Assert.Equal(3UL, await h.SuperbatchCountAsync());
        Assert.Equal(Bond, await h.BondAsync(FraudHarness.Sequencer.Address));
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
        Assert.True(challengeReceipt.Succeeded);
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

    /// <summary>A forged claimed root on 902: a state-root verdict (ours = the sequencer's real root), flagged on L1 (no arbiter: alarm only).</summary>
    public static async Task ForgedRootAsync(FraudHarness h)
    {
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
        L1Log flagged = Assert.Single(await h.InboxLogsAsync(AbiValue.EventTopic("StateRootFlagged(uint256,uint256,address,bytes32,bytes32)")));
        Assert.Equal(bad.ActionTx, flagged.TransactionHash);
        // No arbiter: L1 cannot settle it, so the superbatch stays and the verifier keeps refusing to follow.
        Assert.Equal(2UL, await h.SuperbatchCountAsync());
        Assert.Equal(Bond, await h.BondAsync(FraudHarness.Sequencer.Address));
        Assert.Empty(await v.SyncAsync());
        Assert.Contains("StateRootMismatch", v.Progress.Halted);
    }

    /// <summary>
    /// Challenges of an honest superbatch revert with the inbox's own errors and change nothing: equal roots, proofs
    /// against another superbatch, a tampered proof, same rollup, unknown rollup, unknown superbatch.
    /// </summary>
    public static async Task BogusChallengesAsync(FraudHarness h)
    {
        h.Build(burns: 2);
        await h.PostAsync();
        h.Build(burns: 1);
        await h.PostAsync();
        await using SetVerifier v = h.NewVerifier();
        Assert.All(await v.SyncAsync(), x => Assert.Equal(VerdictKind.Ok, x.Kind));

        // Equal roots: real proofs of the honest superbatch 1 (outbox 901->902 = inbox 902<-901).
        byte[] equal = v.BuildChallenge(1, 901, 902);
        AssertError(await RevertsAsync(h, equal), "RootsEqual(bytes32)");
        // Proofs against another superbatch: the replicas' proofs are of superbatch 1's roots; presented for superbatch 0.
        AssertError(await RevertsAsync(h, Retarget(equal, 0)), "InvalidProof(uint256)");
        // A tampered proof node (one byte of the storage proof on Y flipped).
        AssertError(await RevertsAsync(h, Tamper(equal)), "InvalidProof(uint256)");
        // Same rollup twice, unknown rollup, unknown superbatch.
        AssertError(await RevertsAsync(h, SharedInbox.Challenge(1, 901, 901, [], [], [], [])), "SameRollup()");
        AssertError(await RevertsAsync(h, SharedInbox.Challenge(1, 901, 999, [], [], [], [])), "UnknownRollup(uint256)");
        AssertError(await RevertsAsync(h, SharedInbox.Challenge(7, 901, 902, [], [], [], [])), "UnknownSuperbatch(uint256)");

        Assert.Equal(2UL, await h.SuperbatchCountAsync());
        Assert.Equal(Bond, await h.BondAsync(FraudHarness.Sequencer.Address));
        Assert.Empty(await h.InboxLogsAsync(FraudProvenEvent.Topic));
    }

    public static async Task<L1Exception> RevertsAsync(FraudHarness h, byte[] calldata)
    {
        var access = new L1Access(h.L1);
        L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => access.SendAsync(FraudHarness.Challenger.PrivateKey, h.Deployment.Inbox, calldata, UInt256.Zero, TimeSpan.FromSeconds(30)));
        Assert.NotNull(e.RevertData);
        return e;
    }

    public static void AssertError(L1Exception e, string signature) =>
        Assert.StartsWith(Hex.Encode(AbiValue.Selector(signature)), e.RevertData!, StringComparison.OrdinalIgnoreCase);

    // challenge(index, ...): the index is the first argument word after the selector.
    private static byte[] Retarget(byte[] calldata, ulong index)
    {
        byte[] copy = (byte[])calldata.Clone();
        Array.Clear(copy, 4, 32);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(4 + 24), index);
        return copy;
    }

    // Flips a byte near the end of the calldata: inside the last proof (Y's storage proof), never in the ABI head.
    private static byte[] Tamper(byte[] calldata)
    {
        byte[] copy = (byte[])calldata.Clone();
        int at = copy.Length - 40;
        while (copy[at] == 0) at--; // a non-padding byte of the last node
        copy[at] ^= 0x01;
        return copy;
    }
}
