using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// Issue 6, state-root disputes with an arbiter (embedded L1): the verifier flags a forged root with the inbox's flag
/// bond, the arbiter re-derives the superbatch with its own verifier and upholds it (L1 rejects from that index and
/// slashes the submitter, reward and bond to the flagger); a flag on a correct root is dismissed (the bond goes to the
/// submitter, the superbatch stays and finalizes once the flag is resolved, nothing is rejected).
/// </summary>
public class ArbiterTests
{
    // L1Deployer's registry: reward 5000 bps of the slashed 1 ETH bond goes to the challenger (here: the flagger).
    private static readonly UInt256 Reward = UInt256.Parse("500000000000000000");

    [Fact]
    public async Task A_forged_root_is_flagged_with_the_bond_and_upheld_by_the_arbiter_the_submitter_is_slashed_and_the_verifier_resumes()
    {
        await using FraudHarness h = await FraudHarness.StartWithArbiterAsync(faults: new InjectedFault(FaultKind.ForgeStateRoot, 2, 902));
        h.Build();
        await h.PostAsync();
        h.Build();
        await h.PostAsync();
        Hash256 realRoot = h.Set.Chains[1].Head.StateRoot;

        await using SetVerifier flagger = h.NewVerifier(flagBond: FraudHarness.FlagBond);
        SuperbatchVerdict bad = (await flagger.SyncAsync())[1];
        Assert.Equal((VerdictKind.StateRootMismatch, 902UL, realRoot), (bad.Kind, bad.ChainX, bad.Expected));
        Assert.True(bad.ActionSucceeded, bad.ActionError); // flagStateRoot with exactly the flag bond
        Assert.Equal(1UL, await OpenFlagsAsync(h));
        UInt256 flaggerBefore = await h.L1BalanceAsync(FraudHarness.Challenger.Address);

        (FlagRuling ruling, _) = await RuleOnceAsync(h);
        Assert.True(ruling.Upheld, ruling.Reason);
        // The arbiter's root comes from its own re-execution: the sequencer's real root, not the flagger's word.
        Assert.Equal((1UL, 902UL, realRoot, bad.Claimed), (ruling.Index, ruling.ChainId, ruling.OurRoot, ruling.ClaimedRoot));
        Assert.Equal(bad.SuperbatchHash, ruling.SuperbatchHash);

        // L1: FlagResolved(1, 902, upheld), SuperbatchesRejected(1, 2), the submitter's bond slashed, the flagger paid.
        FlagResolvedEvent resolved = Decode<FlagResolvedEvent>(Assert.Single(await h.InboxLogsAsync(FlagResolvedEvent.Topic)), FlagResolvedEvent.TryDecode);
        Assert.Equal(new FlagResolvedEvent(1, 902, true), resolved);
        SuperbatchesRejectedEvent rejected = Decode<SuperbatchesRejectedEvent>(Assert.Single(await h.InboxLogsAsync(SuperbatchesRejectedEvent.Topic)), SuperbatchesRejectedEvent.TryDecode);
        Assert.Equal((1UL, 2UL, FraudHarness.Challenger.Address), (rejected.FromIndex, rejected.ToIndexExclusive, rejected.Challenger));
        Assert.Equal(1UL, await h.SuperbatchCountAsync());
        Assert.Equal(UInt256.Zero, await h.BondAsync(FraudHarness.Sequencer.Address));
        Assert.Equal(flaggerBefore + Reward + FraudHarness.FlagBond, await h.L1BalanceAsync(FraudHarness.Challenger.Address));
        Assert.Equal(0UL, await OpenFlagsAsync(h));

        // The flagging verifier follows again: it re-derives the remaining superbatch 0 from L1.
        SuperbatchVerdict again = Assert.Single(await flagger.SyncAsync());
        Assert.Equal((0UL, VerdictKind.Ok), (again.Index, again.Kind));
        Assert.Null(flagger.Progress.Halted);
        Assert.Equal((1UL, 1UL), (flagger.Progress.VerifiedSuperbatches, flagger.Progress.ReplicaHeight));
    }

    [Fact]
    public async Task A_flag_on_a_correct_root_is_dismissed_the_flagger_loses_the_bond_and_the_superbatch_finalizes()
    {
        const ulong window = 20;
        await using FraudHarness h = await FraudHarness.StartWithArbiterAsync(challengeWindow: window);
        h.Build();
        await h.PostAsync();
        h.Build();
        await h.PostAsync();
        Hash256 honestRoot = h.Set.Chains[1].Head.StateRoot;

        // A dishonest flagger claims superbatch 1's correct root on 902 is wrong, locking the bond.
        var wallet = new L1Wallet(h.L1, FraudHarness.Challenger.PrivateKey);
        L1Receipt flag = await wallet.SendAsync(h.Deployment.Inbox, SharedInbox.FlagStateRoot(1, 902, Keccak256.Compute("not the root"u8.ToArray())), FraudHarness.FlagBond);
        Assert.True(flag.Succeeded);
        UInt256 submitterBefore = await h.L1BalanceAsync(FraudHarness.Sequencer.Address);
        UInt256 flaggerBefore = await h.L1BalanceAsync(FraudHarness.Challenger.Address);

        // The open flag pauses finality from index 1 even once its window is over; superbatch 0 is unaffected.
        await PassWindowAsync(h, window);
        Assert.True(await h.IsFinalizedAsync(0));
        Assert.False(await h.IsFinalizedAsync(1));

        (FlagRuling ruling, IReadOnlyList<SuperbatchVerdict> ownVerdicts) = await RuleOnceAsync(h);
        Assert.False(ruling.Upheld, ruling.Reason);
        Assert.Equal((1UL, 902UL, honestRoot, honestRoot), (ruling.Index, ruling.ChainId, ruling.OurRoot, ruling.ClaimedRoot));
        Assert.All(ownVerdicts, v => Assert.Equal(VerdictKind.Ok, v.Kind));

        // Dismissed: the bond went to the submitter, the flagger got nothing back; nothing rejected, nobody slashed.
        Assert.Equal(new FlagResolvedEvent(1, 902, false),
            Decode<FlagResolvedEvent>(Assert.Single(await h.InboxLogsAsync(FlagResolvedEvent.Topic)), FlagResolvedEvent.TryDecode));
        Assert.Equal(submitterBefore + FraudHarness.FlagBond, await h.L1BalanceAsync(FraudHarness.Sequencer.Address));
        Assert.Equal(flaggerBefore, await h.L1BalanceAsync(FraudHarness.Challenger.Address));
        Assert.Empty(await h.InboxLogsAsync(SuperbatchesRejectedEvent.Topic));
        Assert.Equal(2UL, await h.SuperbatchCountAsync());
        Assert.Equal(Scenarios.Bond, await h.BondAsync(FraudHarness.Sequencer.Address));
        // The pause is over: superbatch 1 is final, with the root it claimed.
        Assert.True(await h.IsFinalizedAsync(1));
        Assert.Equal(honestRoot, new Hash256(await h.L1.CallAsync(h.Deployment.Inbox, AbiValue.EncodeCall("finalizedStateRoot(uint256,uint256)", AbiValue.Uint(1), AbiValue.Uint(902)))));
    }

    [Fact]
    public async Task An_arbiter_key_the_inbox_does_not_name_is_refused_before_anything_is_sent()
    {
        await using FraudHarness h = await FraudHarness.StartAsync(); // no arbiter configured
        await using SetVerifier own = h.NewVerifier(challenge: false);
        await using var arbiter = new FlagArbiter(h.L1, own, new ArbiterOptions { Inbox = h.Deployment.Inbox, ArbiterKey = FraudHarness.Arbiter.PrivateKey });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => arbiter.SyncAsync());
        Assert.Contains("cannot resolve flags", e.Message);
    }

    /// <summary>A fresh arbiter (its own verifier) rules once on the single open flag, its resolveFlag lands, and a second
    /// round finds nothing left to rule on. Returns the ruling and the arbiter's own verdicts.</summary>
    private static async Task<(FlagRuling, IReadOnlyList<SuperbatchVerdict>)> RuleOnceAsync(FraudHarness h)
    {
        (SetVerifier own, FlagArbiter arbiter) = h.NewArbiter();
        await using (own)
        await using (arbiter)
        {
            FlagRuling ruling = Assert.Single(await arbiter.SyncAsync());
            Assert.True(ruling.ActionSucceeded, ruling.ActionError);
            Assert.Equal(0, arbiter.OpenFlags);
            Assert.Empty(await arbiter.SyncAsync()); // resolved once
            return (ruling, own.Verdicts.Recent);
        }
    }

    private delegate bool TryDecoder<T>(IReadOnlyList<Hash256> topics, ReadOnlyMemory<byte> data, out T? decoded);

    private static T Decode<T>(L1Log log, TryDecoder<T> decode) where T : class
    {
        Assert.True(decode(log.Topics, log.Data, out T? e));
        return e!;
    }

    private static async Task<ulong> OpenFlagsAsync(FraudHarness h) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian((await h.L1.CallAsync(h.Deployment.Inbox, SharedInbox.OpenFlags())).AsSpan(24));

    /// <summary>The embedded L1 (instant mode) makes one block per transaction, each at least a second after its parent:
    /// transfers move L1 time past the window (isFinalized reads block.timestamp).</summary>
    private static async Task PassWindowAsync(FraudHarness h, ulong window)
    {
        var wallet = new L1Wallet(h.L1, FraudHarness.Accounts[0].PrivateKey);
        for (int i = 0; i < 120 && !await h.IsFinalizedAsync(0); i++)
            await wallet.SendCheckedAsync(FraudHarness.Accounts[0].Address, [], UInt256.One);
        Assert.True(await h.IsFinalizedAsync(0), $"L1 time did not pass the {window} s window");
        // Superbatch 1 was submitted a block or two after 0: a few more seconds pass its window too.
        for (int i = 0; i < 5; i++) await wallet.SendCheckedAsync(FraudHarness.Accounts[0].Address, [], UInt256.One);
    }
}
