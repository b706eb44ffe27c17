using Lockstep.Execution;
using Lockstep.Primitives;
using Xunit.Abstractions;
using static Lockstep.SystemContracts.Tests.Oracle;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>The end-of-block fold (MessageTrees.fold): who may call it, what it rewrites, its worst-case gas, the tree's capacity.</summary>
public class FoldTests(ITestOutputHelper output)
{
    private static readonly UInt256 MaxLeaves = new(uint.MaxValue); // 2^32 - 1

    [Fact]
    public void Only_the_protocol_sender_may_fold()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0];
        Address receiver = BridgeTests.DeployReceiver(set);
        byte[] expected = Error("OnlyProtocol(address)", ("address", Alice.ToString()));
        TransactionResult direct = set[a].Send(Alice, SystemAddresses.MessageTrees, SystemCalldata.Fold());
        Assert.False(direct.Success);
        Assert.Equal(expected, direct.Output);
        // Through a contract the caller is the contract, still not the protocol.
        TransactionResult forwarded = set[a].Send(Alice, receiver, Call("forward(address,bytes)", ("address", SystemAddresses.MessageTrees.ToString()), ("bytes", SystemCalldata.Fold())));
        Assert.False(forwarded.Success);
    }

    [Fact]
    public void Fold_rewrites_only_the_trees_whose_count_moved()
    {
        var set = new RollupSet(3) { AutoFold = false };
        ulong a = set.Ids[0], b = set.Ids[1], c = set.Ids[2];
        set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(3), b, Bob));
        set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(4), c, Bob));
        Assert.Equal(new UInt256(2), new UInt256(set.Fold(a).Output)); // outbox[b] and outbox[c]
        Assert.Equal(UInt256.Zero, new UInt256(set.Fold(a).Output)); // nothing moved since
        Hash256 root = MessageTreesLayout.ReadOutboxRoot(set[a].State, b);
        set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(5), c, Bob));
        Assert.Equal(UInt256.One, new UInt256(set.Fold(a).Output)); // outbox[c] only
        Assert.Equal(root, MessageTreesLayout.ReadOutboxRoot(set[a].State, b));
        set.AssertTreesMatchRecords(); // inboxes: nothing delivered, roots and counts still zero
    }

    [Fact]
    public void A_skipped_fold_cannot_hide_a_wrong_or_extra_leaf_from_the_root_comparison()
    {
        var set = new RollupSet(2) { AutoFold = false };
        ulong a = set.Ids[0], b = set.Ids[1];
        CrossRollupMessage Burn(ulong amount) => Assert.Single(CrossRollupMessage.DecodeAll(set.Send(a, Alice, SystemAddresses.MintBurn,
            SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(amount), b, Bob)).Logs, a));
        set.DeliverAll([Burn(1)]);
        set.Fold(a);
        set.Fold(b);
        Assert.True(set.InvariantHolds(a, b));
        // Same leaves on both sides, neither folded: the chained slots are equal.
        set.DeliverAll([Burn(2)]);
        Assert.True(set.InvariantHolds(a, b));
        // A different leaf at the same nonce on B (another amount), nothing folded: the slots differ, and still after folds.
        CrossRollupMessage third = Burn(3);
        Assert.True(set.Deliver(third, calldata: SystemCalldata.Mint(a, third.Nonce, SystemAddresses.CrossRollupToken, Alice, Bob, new UInt256(300))).Success);
        Assert.False(set.InvariantHolds(a, b));
        set.Fold(a);
        set.Fold(b);
        Assert.False(set.InvariantHolds(a, b));

        // An extra leaf on B with no burn on A and no fold on B: B's slot moved, A's did not.
        var clean = new RollupSet(2) { AutoFold = false };
        Assert.True(CrossRollupMessage.TryDecodeDelivery(SystemAddresses.MintBurn,
            SystemCalldata.Mint(a, 0, SystemAddresses.CrossRollupToken, Alice, Bob, new UInt256(9)), b, out CrossRollupMessage forged));
        Assert.True(clean.Deliver(forged).Success);
        Assert.False(clean.InvariantHolds(a, b));
    }

    [Fact]
    public void Worst_case_fold_fits_its_gas_limit_and_matches_the_frontier_root()
    {
        // Every tree at 2^32 - 1 leaves (32 branch slots read, all cold) on sets of 2 and 8 rollups.
        foreach (int n in new[] { 2, 8 })
        {
            var set = new RollupSet(n) { AutoFold = false };
            ulong a = set.Ids[0];
            var branch = new Hash256[32];
            for (int h = 0; h < 32; h++) branch[h] = new Hash256(Keccak([(byte)h, (byte)n]));
            foreach (ulong other in set.Ids)
            {
                if (other == a) continue;
                foreach (UInt256 rootSlot in new[] { MessageTreesLayout.OutboxRootSlot(other), MessageTreesLayout.InboxRootSlot(other) })
                {
                    set[a].State.SetStorage(SystemAddresses.MessageTrees, rootSlot + UInt256.One, MaxLeaves);
                    for (int h = 0; h < 32; h++)
                        set[a].State.SetStorage(SystemAddresses.MessageTrees, rootSlot + new UInt256(MessageTreesLayout.BranchOffset + (ulong)h), branch[h].ToUInt256());
                }
            }
            set[a].State.CommitTransaction();
            TransactionResult fold = set.Fold(a);
            output.WriteLine($"{n} rollups: fold of {2 * (n - 1)} full trees used {fold.GasUsed} gas, limit {MessageTreesLayout.FoldGasLimit(n)}");
            Assert.True((ulong)fold.GasUsed <= MessageTreesLayout.FoldGasLimit(n));
            Hash256 expected = FrontierRoot(branch, uint.MaxValue);
            Assert.Equal(expected, MessageTreesLayout.ReadOutboxRoot(set[a].State, set.Ids[1]));
            Assert.Equal(expected, MessageTreesLayout.ReadInboxRoot(set[a].State, set.Ids[n - 1]));
        }
    }

    [Fact]
    public void A_full_tree_refuses_the_next_message()
    {
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        set[a].State.SetStorage(SystemAddresses.MessageTrees, MessageTreesLayout.OutboxCountSlot(b), MaxLeaves);
        set[a].State.CommitTransaction();
        TransactionResult r = set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, b, Bob));
        Assert.False(r.Success);
        Assert.Equal(Error("TreeFull()"), r.Output);
    }

    /// <summary>
    /// The eth2 deposit contract's get_deposit_root (without its length mix-in), written from the spec with Nethereum's
    /// Keccak: from a zero node, at height h hash branch[h] ++ node when bit h of count is 1, else node ++ zeros[h].
    /// </summary>
    private static Hash256 FrontierRoot(Hash256[] branch, ulong count)
    {
        byte[] node = new byte[32], zero = new byte[32];
        for (int h = 0; h < 32; h++)
        {
            node = ((count >> h) & 1) == 1 ? Keccak([.. branch[h].ToArray(), .. node]) : Keccak([.. node, .. zero]);
            zero = Keccak([.. zero, .. zero]);
        }
        return new Hash256(node);
    }
}
