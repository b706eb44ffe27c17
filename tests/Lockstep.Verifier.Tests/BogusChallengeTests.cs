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
    [Fact]
    public async Task Challenges_of_an_honest_superbatch_revert_and_change_nothing()
    {
        await using FraudHarness h = await FraudHarness.StartAsync();
        await Scenarios.BogusChallengesAsync(h);
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
        Assert.Contains(Hex.Encode(AbiValue.Selector("WindowClosed(uint256)"))[2..], bad.ActionError!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1UL, await h.SuperbatchCountAsync());
        Assert.Equal(UInt256.Parse("1000000000000000000"), await h.BondAsync(FraudHarness.Sequencer.Address));
    }
}
