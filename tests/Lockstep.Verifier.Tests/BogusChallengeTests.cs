using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// An honest sequencer is never successfully challenged (issue 6): a challenge with equal roots, tampered proofs,
/// proofs against another superbatch's roots, or after the window, reverts with the inbox's own error, and nothing
/// changes (superbatches live, bond intact).
/// </summary>
public class BogusChallengeTests
{
    private static byte[] Selector(string error) => AbiValue.Selector(error);

    private static async Task<L1Exception> RevertsAsync(FraudHarness h, byte[] calldata)
    {
        var access = new L1Access(h.L1);
        L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => access.SendAsync(FraudHarness.Challenger.PrivateKey, h.Deployment.Inbox, calldata, UInt256.Zero, TimeSpan.FromSeconds(30)));
        Assert.NotNull(e.RevertData);
        return e;
    }

    private static void AssertError(L1Exception e, string signature) =>
        Assert.StartsWith(Hex.Encode(Selector(signature)), e.RevertData!, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task Challenges_of_an_honest_superbatch_revert_and_change_nothing()
    {
        await using FraudHarness h = await FraudHarness.StartAsync();
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

        // A tampered proof node (one byte of the storage proof on X flipped).
        AssertError(await RevertsAsync(h, Tamper(equal)), "InvalidProof(uint256)");

        // Same rollup twice, unknown rollup, unknown superbatch.
        AssertError(await RevertsAsync(h, SharedInbox.Challenge(1, 901, 901, [], [], [], [])), "SameRollup()");
        AssertError(await RevertsAsync(h, SharedInbox.Challenge(1, 901, 999, [], [], [], [])), "UnknownRollup(uint256)");
        AssertError(await RevertsAsync(h, SharedInbox.Challenge(7, 901, 902, [], [], [], [])), "UnknownSuperbatch(uint256)");

        Assert.Equal(2UL, await h.SuperbatchCountAsync());
        Assert.Equal(UInt256.Parse("1000000000000000000"), await h.BondAsync(FraudHarness.Sequencer.Address));
        Assert.Empty(await h.InboxLogsAsync(FraudProvenEvent.Topic));
    }

    [Fact]
    public async Task A_real_fraud_proof_after_the_window_reverts_WindowClosed()
    {
        await using FraudHarness h = await FraudHarness.StartAsync(challengeWindow: 2, new InjectedFault(FaultKind.DropMint, 1));
        h.Build();
        await h.PostAsync();
        // Let L1 time pass the window: wall-clock time, and a few L1 blocks (the embedded L1 gives each block at least
        // parent + 1 s, and its deployment burst ran its clock ahead of the wall clock).
        await Task.Delay(TimeSpan.FromSeconds(3));
        var access = new L1Access(h.L1);
        for (int i = 0; i < 4; i++)
            Assert.True((await access.SendAsync(FraudHarness.Accounts[0].PrivateKey, FraudHarness.Accounts[5].Address, [], UInt256.One, TimeSpan.FromSeconds(30))).Succeeded);
        await using SetVerifier v = h.NewVerifier();
        SuperbatchVerdict bad = Assert.Single(await v.SyncAsync());
        Assert.Equal(VerdictKind.CrossRootMismatch, bad.Kind); // detected off-chain all the same
        Assert.False(bad.ActionSucceeded);
        Assert.Contains(Hex.Encode(Selector("WindowClosed(uint256)"))[2..], bad.ActionError!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1UL, await h.SuperbatchCountAsync());
        Assert.Equal(UInt256.Parse("1000000000000000000"), await h.BondAsync(FraudHarness.Sequencer.Address));
    }

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
