using Lockstep.Execution;
using Lockstep.Primitives;

namespace Lockstep.L1Contracts.Tests;

/// <summary>
/// The shared fraud proof: a superbatch whose outboxRoot[Y] on X differs from inboxRoot[X] on Y is rejected with all
/// its successors, its submitter is slashed and an honest sequencer resumes; bogus challenges revert.
/// </summary>
public class FraudProofTests
{
    /// <summary>Superbatch 0 honest, 1 with a dropped mint (102's inbox root for 101 forged), 2 built on top.</summary>
    private static (L1Fixture L1, RollupSet Honest, RollupSet Bad) Cheated(Hash256? forgedInbox = null)
    {
        var l1 = new L1Fixture();
        l1.Bond(L1Fixture.SequencerA); // active [A, B]: A leads epoch 0 (blocks < 1000)
        l1.Bond(L1Fixture.SequencerB);
        var honest = new RollupSet(l1.ChainIds, seed: 1);
        var bad = new RollupSet(l1.ChainIds, seed: 2).ForgeInbox(1, 0, forgedInbox ?? Keccak256.EmptyHash);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(honest.Roots)));
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(bad.Roots)));
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(new RollupSet(l1.ChainIds, seed: 3).Roots)));
        return (l1, honest, bad);
    }

    private static UInt256 BondOf(L1Fixture l1, Address who) => new(l1.Call(l1.Registry, SequencerRegistry.Bonds(who)).Output.AsSpan(0, 32));

    [Fact]
    public void A_proven_mismatch_rejects_the_superbatch_and_its_successors_slashes_and_lets_an_honest_leader_resume()
    {
        var (l1, _, bad) = Cheated();
        Hash256 goodTip = Hash256.FromUInt256(new UInt256(l1.Call(l1.Inbox, AbiValue.EncodeCall("superbatch(uint256)", AbiValue.Uint(0))).Output.AsSpan(0, 32)));
        UInt256 before = l1.Balance(L1Fixture.Challenger);

        TransactionResult r = l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(1, 0, 1));
        L1Fixture.Ok(r);
        Assert.Equal(1UL, l1.SuperbatchCount);
        Assert.Equal(goodTip, l1.TipHash);
        FraudProvenEvent? proven = null;
        SuperbatchesRejectedEvent? rejected = null;
        foreach (var log in r.Logs)
        {
            if (FraudProvenEvent.TryDecode(log.Topics, log.Data, out var f)) proven = f;
            if (SuperbatchesRejectedEvent.TryDecode(log.Topics, log.Data, out var j)) rejected = j;
        }
        Assert.NotNull(proven);
        Assert.Equal(Keccak256.EmptyHash, proven!.InboxRoot);
        Assert.NotEqual(proven.OutboxRoot, proven.InboxRoot);
        Assert.Equal(new SuperbatchesRejectedEvent(1, 3, L1Fixture.Challenger), rejected);

        // Slashing: rewardBps = 50% of the 1 ether bond to the challenger, the rest burned (kept in the registry).
        UInt256 half = L1Fixture.MinBond / new UInt256(2);
        Assert.Equal(before + half, l1.Balance(L1Fixture.Challenger));
        Assert.Equal(half, l1.CallWord(l1.Registry, AbiValue.EncodeCall("burned()")));
        Assert.Equal(UInt256.Zero, BondOf(l1, L1Fixture.SequencerA));
        Assert.Equal(L1Fixture.MinBond + half, l1.Balance(l1.Registry)); // B's bond + the burned half
        Assert.Equal([L1Fixture.SequencerB], SequencerRegistry.DecodeAddressArray(l1.Call(l1.Registry, SequencerRegistry.ActiveSequencers()).Output));
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.Bond(), L1Fixture.MinBond), "SequencerSlashed(address)");

        // The honest sequencer continues from the last good superbatch; the slashed one cannot.
        var resumed = new RollupSet(l1.ChainIds, seed: 4);
        SuperbatchSubmission next = l1.NextSuperbatch(resumed.Roots);
        Assert.Equal(1UL, next.Index);
        Assert.Equal(goodTip, next.ParentHash);
        Assert.Equal(2UL, next.Batches[0].FirstBlock); // right after superbatch 0's block 1
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, next), "NotLeader(address)");
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerB, next));
        Assert.Equal(2UL, l1.SuperbatchCount);
    }

    [Fact]
    public void A_cheater_that_unbonds_right_after_posting_is_still_slashed()
    {
        var (l1, _, bad) = Cheated();
        L1Fixture.Ok(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.RequestUnbond()));
        // The unbond delay equals the window, so the bond is still here for the whole window of superbatch 1.
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.WithdrawBond()), "UnbondDelayNotOver(uint256,uint256)");
        UInt256 before = l1.Balance(L1Fixture.Challenger);
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(1, 0, 1)));
        Assert.Equal(before + L1Fixture.MinBond / new UInt256(2), l1.Balance(L1Fixture.Challenger));
        l1.Chain.Timestamp += l1.Window;
        L1Fixture.Reverts(l1.Send(L1Fixture.SequencerA, l1.Registry, SequencerRegistry.WithdrawBond()), "NotUnbonding(address)"); // nothing left
    }

    [Fact]
    public void Any_pair_of_a_larger_set_can_be_challenged()
    {
        var l1 = new L1Fixture(chainIds: [11, 12, 13, 14]);
        l1.Bond(L1Fixture.SequencerA);
        var bad = new RollupSet(l1.ChainIds, seed: 3).ForgeInbox(0, 3, Keccak256.EmptyHash); // 11 claims messages 14 never sent
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(bad.Roots)));
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(0, 1, 2)), "RootsEqual(bytes32)");
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(0, 0, 2)), "RootsEqual(bytes32)"); // both absent: 0 == 0
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(0, 3, 0)));
        Assert.Equal(0UL, l1.SuperbatchCount);
    }

    [Fact]
    public void A_missing_inbox_slot_is_proved_absent_and_counts_as_zero()
    {
        // The dishonest rollup has no inbox root for 101 at all: an exclusion proof shows zero != the outbox root.
        var (l1, _, bad) = Cheated(forgedInbox: Hash256.Zero);
        var (_, storageY) = bad.States[1].Prove(MessageTreesLayout.Address, MessageTreesLayout.InboxRootSlot(101));
        Assert.Null(Trie.PatriciaTrie.VerifyProof(
            StorageRootOf(bad, 1), Keccak256.Compute(MessageTreesLayout.InboxRootSlot(101).ToArray()).ToArray(), storageY));
        TransactionResult r = l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(1, 0, 1));
        L1Fixture.Ok(r);
        Assert.Equal(1UL, l1.SuperbatchCount);
    }

    private static Hash256 StorageRootOf(RollupSet set, int i)
    {
        var (accountProof, _) = set.States[i].Prove(MessageTreesLayout.Address, Hash256.Zero);
        byte[] account = Trie.SecureTrie.VerifyProof(set.States[i].Root, MessageTreesLayout.Address.ToArray(), accountProof)!;
        return new Hash256(Nethereum.RLP.RLP.Decode(account) is Nethereum.RLP.RLPCollection c ? c[2].RLPData : throw new InvalidOperationException());
    }

    [Fact]
    public void Equal_roots_cannot_be_challenged()
    {
        var (l1, honest, _) = Cheated();
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, honest.Challenge(0, 0, 1)), "RootsEqual(bytes32)");
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, honest.Challenge(0, 1, 0)), "RootsEqual(bytes32)");
        Assert.Equal(3UL, l1.SuperbatchCount);
    }

    [Fact]
    public void A_challenge_after_the_window_reverts()
    {
        var (l1, _, bad) = Cheated();
        l1.Chain.Timestamp += l1.Window;
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(1, 0, 1)), "WindowClosed(uint256)");
        Assert.Equal(3UL, l1.SuperbatchCount);
        Assert.Equal(L1Fixture.MinBond, BondOf(l1, L1Fixture.SequencerA));
    }

    [Fact]
    public void Proofs_against_another_superbatch_or_tampered_proofs_revert()
    {
        var (l1, honest, bad) = Cheated();
        L1Fixture.RevertsInvalidProof(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(0, 0, 1)), 2);
        L1Fixture.RevertsInvalidProof(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(2, 0, 1)), 2);
        L1Fixture.RevertsInvalidProof(l1.Send(L1Fixture.Challenger, l1.Inbox, honest.Challenge(1, 0, 1)), 2);

        var (accountX, storageX) = bad.States[0].Prove(MessageTreesLayout.Address, MessageTreesLayout.OutboxRootSlot(102));
        var (accountY, storageY) = bad.States[1].Prove(MessageTreesLayout.Address, MessageTreesLayout.InboxRootSlot(101));
        byte[] leaf = (byte[])storageY[^1].Clone();
        leaf[^1] ^= 0xff; // change the proved value
        L1Fixture.RevertsInvalidProof(l1.Send(L1Fixture.Challenger, l1.Inbox,
            SharedInbox.Challenge(1, 101, 102, accountX, storageX, accountY, [.. storageY[..^1], leaf])), 2);
        // Swapping the two storage proofs: each is checked against the other rollup's storage root.
        L1Fixture.RevertsInvalidProof(l1.Send(L1Fixture.Challenger, l1.Inbox,
            SharedInbox.Challenge(1, 101, 102, accountX, storageY, accountY, storageX)), 2);
        Assert.Equal(3UL, l1.SuperbatchCount);
    }

    [Fact]
    public void Rejected_unknown_and_malformed_challenges_revert()
    {
        var (l1, _, bad) = Cheated();
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(3, 0, 1)), "UnknownSuperbatch(uint256)");
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.Challenge(1, 101, 101, [], [], [], [])), "SameRollup()");
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.Challenge(1, 101, 999, [], [], [], [])), "UnknownRollup(uint256)");
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(1, 0, 1)));
        // Already rejected: the same proof again, and the successor that fell with it.
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(1, 0, 1)), "UnknownSuperbatch(uint256)");
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, bad.Challenge(2, 0, 1)), "UnknownSuperbatch(uint256)");
    }
}

/// <summary>State-root flags: an alarm only without an arbiter; with one, they pause finality until settled.</summary>
public class StateRootFlagTests
{
    private static readonly Address Arbiter = Address.FromHex("0x000000000000000000000000000000000000a4b1");
    private static readonly UInt256 FlagBond = new(1_000_000);

    [Fact]
    public void Without_an_arbiter_a_flag_is_an_alarm_that_changes_no_finality()
    {
        var l1 = new L1Fixture();
        l1.Bond(L1Fixture.SequencerA);
        var set = new RollupSet(l1.ChainIds, seed: 1);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots)));
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(0, 101, set.Roots[0])), "BadFlag()"); // not different
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(0, 101, Keccak256.EmptyHash), FlagBond), "BadFlag()");
        TransactionResult r = l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(0, 101, Keccak256.EmptyHash));
        L1Fixture.Ok(r);
        Assert.Equal(AbiValue.EventTopic("StateRootFlagged(uint256,uint256,address,bytes32,bytes32)"), Assert.Single(r.Logs).Topics[0]);
        l1.Chain.Timestamp += l1.Window;
        Assert.True(l1.IsFinalized(0));
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(0, 101, Keccak256.EmptyHash)), "WindowClosed(uint256)");
    }

    [Fact]
    public void With_an_arbiter_a_flag_pauses_finality_until_dismissed_or_upheld()
    {
        var l1 = new L1Fixture(arbiter: Arbiter, flagBond: FlagBond);
        l1.Bond(L1Fixture.SequencerA);
        var set = new RollupSet(l1.ChainIds, seed: 1);
        for (int i = 0; i < 3; i++) L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots)));
        Hash256 hash1 = Hash256.FromUInt256(new UInt256(l1.Call(l1.Inbox, AbiValue.EncodeCall("superbatch(uint256)", AbiValue.Uint(1))).Output.AsSpan(0, 32)));

        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(1, 102, Keccak256.EmptyHash)), "BadFlag()"); // no bond
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(1, 102, Keccak256.EmptyHash), FlagBond));
        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(1, 102, Keccak256.EmptyHash), FlagBond), "BadFlag()"); // twice
        l1.Chain.Timestamp += l1.Window;
        Assert.True(l1.IsFinalized(0)); // before the flagged superbatch
        Assert.False(l1.IsFinalized(1));
        Assert.False(l1.IsFinalized(2));

        L1Fixture.Reverts(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.ResolveFlag(1, hash1, 102, true)), "OnlyArbiter()");
        UInt256 submitterBefore = l1.Balance(L1Fixture.SequencerA);
        L1Fixture.Ok(l1.Send(Arbiter, l1.Inbox, SharedInbox.ResolveFlag(1, hash1, 102, upheld: false)));
        Assert.Equal(submitterBefore + FlagBond, l1.Balance(L1Fixture.SequencerA)); // the delay is paid for by the flagger
        Assert.True(l1.IsFinalized(2));
        L1Fixture.Reverts(l1.Send(Arbiter, l1.Inbox, SharedInbox.ResolveFlag(1, hash1, 102, false)), "BadFlag()");
    }

    [Fact]
    public void An_upheld_flag_rejects_and_slashes_and_refunds_the_flagger()
    {
        var l1 = new L1Fixture(arbiter: Arbiter, flagBond: FlagBond);
        l1.Bond(L1Fixture.SequencerA);
        var set = new RollupSet(l1.ChainIds, seed: 1);
        for (int i = 0; i < 2; i++) L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots)));
        Hash256 hash1 = l1.TipHash;
        UInt256 before = l1.Balance(L1Fixture.Challenger);
        L1Fixture.Ok(l1.Send(L1Fixture.Challenger, l1.Inbox, SharedInbox.FlagStateRoot(1, 101, Keccak256.EmptyHash), FlagBond));
        L1Fixture.Ok(l1.Send(Arbiter, l1.Inbox, SharedInbox.ResolveFlag(1, hash1, 101, upheld: true)));
        Assert.Equal(1UL, l1.SuperbatchCount);
        Assert.Equal(before + L1Fixture.MinBond / new UInt256(2), l1.Balance(L1Fixture.Challenger)); // bond back + half the slashed bond
        l1.Chain.Timestamp += l1.Window;
        Assert.True(l1.IsFinalized(0));
    }
}
