using Lockstep.Execution;
using Lockstep.Primitives;

namespace Lockstep.L1Contracts.Tests;

/// <summary>L1SharedInbox: superbatch submission rules, finality and the emitted event.</summary>
public class InboxTests
{
    private static L1Fixture WithLeader(bool eager = false)
    {
        var l1 = new L1Fixture(eager: eager);
        l1.Bond(L1Fixture.SequencerA);
        return l1;
    }

    [Fact]
    public void One_call_posts_every_rollup_and_the_event_and_hash_match_the_calldata()
    {
        var l1 = WithLeader();
        var set = new RollupSet(l1.ChainIds, seed: 1);
        SuperbatchSubmission s = l1.NextSuperbatch(set.Roots, blocks: 3, dataBytes: 1000);
        TransactionResult r = l1.Submit(L1Fixture.SequencerA, s);
        L1Fixture.Ok(r);
        Assert.Equal(1UL, l1.SuperbatchCount);

        var log = Assert.Single(r.Logs);
        Assert.Equal(l1.Inbox, log.Address);
        Assert.True(SuperbatchSubmittedEvent.TryDecode(log.Topics, log.Data, out SuperbatchSubmittedEvent? e));
        Assert.Equal(0UL, e!.Index);
        Assert.Equal(L1Fixture.SequencerA, e.Submitter);
        Assert.Equal(Hash256.Zero, e.ParentHash);
        Assert.Equal(2, e.Rollups.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(l1.ChainIds[i], e.Rollups[i].ChainId);
            Assert.Equal(1UL, e.Rollups[i].FirstBlock);
            Assert.Equal(3UL, e.Rollups[i].LastBlock);
            // The inbox hashed the bytes carried in the calldata (keccak by Nethereum, independently).
            Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash(s.Batches[i].Data), e.Rollups[i].DataHash.ToArray());
            Assert.Equal(set.Roots[i], e.Rollups[i].StateRoot);
            Assert.Equal(set.Roots[i], Hash256.FromUInt256(l1.CallWord(l1.Inbox, SharedInbox.StateRootOf(0, l1.ChainIds[i]))));
        }
        Assert.Equal(e.SuperbatchHash, l1.TipHash);
        Assert.Equal(e.SuperbatchHash, s.ComputeHash(l1.ChainIds, Hash256.Zero));

        // A verifier reads the batches back from the transaction input.
        SuperbatchSubmission decoded = SuperbatchSubmission.DecodeCalldata(s.EncodeCalldata());
        Assert.Equal(s.Index, decoded.Index);
        for (int i = 0; i < 2; i++) Assert.Equal(s.Batches[i].Data, decoded.Batches[i].Data);

        // The next superbatch chains on it.
        SuperbatchSubmission next = l1.NextSuperbatch(set.Roots);
        Assert.Equal(4UL, next.Batches[0].FirstBlock);
        Assert.Equal(e.SuperbatchHash, next.ParentHash);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, next));
        Assert.Equal(2UL, l1.SuperbatchCount);
    }

    [Fact]
    public void Only_the_leader_submits()
    {
        var l1 = WithLeader();
        var set = new RollupSet(l1.ChainIds, seed: 1);
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerB, l1.NextSuperbatch(set.Roots)), "NotLeader(address)");
        l1.Bond(L1Fixture.SequencerB);
        // Epochs of 1000 blocks: at block 1000k+r the leader is active[k % 2]; B is leader in odd epochs only.
        l1.Chain.BlockNumber = 1500;
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots)), "NotLeader(address)");
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerB, l1.NextSuperbatch(set.Roots)));
        Assert.Equal(1UL, l1.SuperbatchCount);
    }

    [Fact]
    public void Gaps_forks_wrong_parents_and_bad_ranges_are_refused_and_change_nothing()
    {
        var l1 = WithLeader();
        var set = new RollupSet(l1.ChainIds, seed: 1);
        SuperbatchSubmission first = l1.NextSuperbatch(set.Roots);
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, first with { Index = 1 }), "WrongIndex(uint256,uint256)"); // gap
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, first with { ParentHash = Keccak256.EmptyHash }), "WrongParent(bytes32,bytes32)");
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, first));
        Hash256 tip = l1.TipHash;

        SuperbatchSubmission second = l1.NextSuperbatch(set.Roots);
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, first), "WrongIndex(uint256,uint256)"); // a fork of superbatch 0
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { Index = 2 }), "WrongIndex(uint256,uint256)");
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { ParentHash = Hash256.Zero }), "WrongParent(bytes32,bytes32)");

        RollupBatch b0 = second.Batches[0];
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { Batches = [b0 with { FirstBlock = 3, LastBlock = 3 }, second.Batches[1]] }),
            "NotContiguous(uint256,uint256,uint256)"); // skips block 2
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { Batches = [b0 with { FirstBlock = 1 }, second.Batches[1]] }),
            "NotContiguous(uint256,uint256,uint256)"); // overlaps block 1
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { Batches = [b0 with { LastBlock = 1 }, second.Batches[1]] }), "EmptyRange(uint256)");
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { Batches = [b0 with { StateRoot = Hash256.Zero }, second.Batches[1]] }), "ZeroStateRoot(uint256)");
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { Batches = [b0] }), "WrongRollupCount(uint256,uint256)");
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { DepositCount = 1 }), "BadDepositCount(uint256,uint256,uint256)");
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, second with { EagerProofs = set.EagerProofs() }), "EagerProofsNotExpected()");

        Assert.Equal(1UL, l1.SuperbatchCount);
        Assert.Equal(tip, l1.TipHash);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, second));
    }

    [Fact]
    public void A_superbatch_is_final_only_after_its_challenge_window()
    {
        var l1 = WithLeader();
        var set = new RollupSet(l1.ChainIds, seed: 1);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots)));
        ulong submittedAt = l1.Chain.Timestamp - l1.Chain.BlockTime;
        Assert.False(l1.IsFinalized(0));
        Assert.False(l1.IsFinalized(1)); // does not exist
        L1Fixture.Reverts(l1.Call(l1.Inbox, SharedInbox.FinalizedStateRoot(0, 101)), "NotFinalized(uint256)");
        l1.Chain.Timestamp = submittedAt + l1.Window - 1;
        Assert.False(l1.IsFinalized(0));
        l1.Chain.Timestamp = submittedAt + l1.Window;
        Assert.True(l1.IsFinalized(0));
        Assert.Equal(set.Roots[1], Hash256.FromUInt256(l1.CallWord(l1.Inbox, SharedInbox.FinalizedStateRoot(0, 102))));
        L1Fixture.Reverts(l1.Call(l1.Inbox, SharedInbox.FinalizedStateRoot(0, 103)), "UnknownRollup(uint256)");
    }

    [Fact]
    public void The_constructor_refuses_a_window_longer_than_the_unbond_delay()
    {
        var l1 = new L1Fixture(window: 100);
        var config = new SharedInboxConfig(l1.Registry, [101, 102], ChallengeWindowSeconds: 101);
        Assert.Throws<InvalidOperationException>(() => l1.Chain.Deploy(L1Fixture.Deployer, Testing.ContractArtifact.Load("L1SharedInbox"), config.EncodeConstructorArgs()));
        var duplicate = new SharedInboxConfig(l1.Registry, [101, 101], ChallengeWindowSeconds: 10);
        Assert.Throws<InvalidOperationException>(() => l1.Chain.Deploy(L1Fixture.Deployer, Testing.ContractArtifact.Load("L1SharedInbox"), duplicate.EncodeConstructorArgs()));
    }

    [Fact]
    public void Eager_mode_accepts_equal_cross_roots_and_refuses_unequal_ones()
    {
        var l1 = WithLeader(eager: true);
        var set = new RollupSet(l1.ChainIds, seed: 2);
        L1Fixture.Reverts(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots)), "EagerProofsMissing()");
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, eager: set.EagerProofs())));

        set.ForgeInbox(1, 0, Keccak256.EmptyHash); // rollup 102 claims a different inbox root from 101
        TransactionResult bad = l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, eager: set.EagerProofs()));
        L1Fixture.Reverts(bad, "UnequalRoots(uint256,uint256,bytes32,bytes32)");
        Assert.Equal(new UInt256(101), new UInt256(bad.Output.AsSpan(4, 32)));
        Assert.Equal(new UInt256(102), new UInt256(bad.Output.AsSpan(36, 32)));
        Assert.Equal(1UL, l1.SuperbatchCount);

        // Proofs of the honest state against the forged roots do not verify.
        var honest = new RollupSet(l1.ChainIds, seed: 2);
        L1Fixture.RevertsInvalidProof(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, eager: honest.EagerProofs())), 2);
    }

    [Fact]
    public void Eager_mode_checks_every_ordered_pair_of_four_rollups()
    {
        var l1 = new L1Fixture(chainIds: [11, 12, 13, 14], eager: true);
        l1.Bond(L1Fixture.SequencerA);
        var set = new RollupSet(l1.ChainIds, seed: 3);
        L1Fixture.Ok(l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, eager: set.EagerProofs())));
        set.ForgeInbox(3, 2, Keccak256.EmptyHash); // a mint on 14 without its burn on 13
        TransactionResult bad = l1.Submit(L1Fixture.SequencerA, l1.NextSuperbatch(set.Roots, eager: set.EagerProofs()));
        L1Fixture.Reverts(bad, "UnequalRoots(uint256,uint256,bytes32,bytes32)");
        Assert.Equal(new UInt256(13), new UInt256(bad.Output.AsSpan(4, 32)));
        Assert.Equal(new UInt256(14), new UInt256(bad.Output.AsSpan(36, 32)));
    }
}
