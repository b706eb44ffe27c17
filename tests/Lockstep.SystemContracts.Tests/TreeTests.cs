using Lockstep.Execution;
using Lockstep.Primitives;
using static Lockstep.SystemContracts.Tests.RollupSet;

namespace Lockstep.SystemContracts.Tests;

/// <summary>
/// MessageTreeLib over enough appends to use branch levels 0-6: an append chains its leaf into the root slot
/// (keccak256(slot ++ leaf)), each fold writes the Merkle root of every leaf so far (checked against the independent
/// <see cref="ReferenceTree"/>), and the frontier (branch slots) is the deposit contract's.
/// </summary>
public class TreeTests
{
    [Fact]
    public void Folds_at_irregular_points_give_the_reference_root_and_appends_chain_into_the_slot()
    {
        var set = new RollupSet(2) { AutoFold = false };
        ulong a = set.Ids[0], b = set.Ids[1];
        var leaves = new List<Hash256>();
        var messages = new List<CrossRollupMessage>();
        // Fold points: after 1, 2, 3, 5, 13 leaves (several appends per block), 32, 33, 64 and 70 leaves.
        var foldAfter = new HashSet<int> { 1, 2, 3, 5, 13, 32, 33, 64, 70 };
        Hash256 slot = Hash256.Zero;
        for (int i = 0; i < 70; i++)
        {
            TransactionResult r = set.Send(a, Alice, SystemAddresses.Messenger, SystemCalldata.Trigger(b, Bob, [(byte)i], new UInt256(21_000)));
            Assert.True(r.Success);
            CrossRollupMessage m = Assert.Single(CrossRollupMessage.DecodeAll(r.Logs, a));
            Assert.Equal((ulong)i, m.Nonce);
            leaves.Add(m.MessageHash);
            messages.Add(m);
            Assert.Equal((ulong)leaves.Count, MessageTreesLayout.ReadOutboxCount(set[a].State, b));
            // Until the fold, the slot is the last fold's root (zero before the first) chained with the new leaves.
            slot = new Hash256(Oracle.Keccak([.. slot.ToArray(), .. m.MessageHash.ToArray()]));
            Assert.Equal(slot, MessageTreesLayout.ReadOutboxRoot(set[a].State, b));
            if (!foldAfter.Contains(leaves.Count)) continue;
            set.Fold(a);
            slot = ReferenceTree.Root(leaves);
            Assert.Equal(slot, MessageTreesLayout.ReadOutboxRoot(set[a].State, b));
            Assert.Equal(new UInt256((ulong)leaves.Count), set[a].State.GetStorage(SystemAddresses.MessageTrees, MessageTreesLayout.OutboxFoldedCountSlot(b)));
        }
        // branch[h] holds the root of the last complete left subtree of height h (the eth2 deposit contract's
        // frontier): for 70 leaves (binary 1000110) levels 1, 2 and 6 hold leaves 68-69, 64-67 and 0-63.
        UInt256 branch0 = MessageTreesLayout.OutboxRootSlot(b) + new UInt256(2);
        Assert.Equal(SubtreeRoot(leaves, 68, 1), Hash256.FromUInt256(set[a].State.GetStorage(SystemAddresses.MessageTrees, branch0 + new UInt256(1))));
        Assert.Equal(SubtreeRoot(leaves, 64, 2), Hash256.FromUInt256(set[a].State.GetStorage(SystemAddresses.MessageTrees, branch0 + new UInt256(2))));
        Assert.Equal(SubtreeRoot(leaves, 0, 6), Hash256.FromUInt256(set[a].State.GetStorage(SystemAddresses.MessageTrees, branch0 + new UInt256(6))));

        // Delivering all 70 in order (to an account: the call succeeds with no code) in one block gives the same
        // inbox root once folded.
        Assert.False(set.InvariantHolds(a, b));
        set.DeliverAll(messages);
        Assert.False(set.InvariantHolds(a, b)); // unfolded: the chained value, not the Merkle root
        set.Fold(b);
        Assert.True(set.InvariantHolds(a, b));
        Assert.Equal(ReferenceTree.Root(leaves), MessageTreesLayout.ReadInboxRoot(set[b].State, a));
    }

    private static Hash256 SubtreeRoot(List<Hash256> leaves, int start, int height)
    {
        var level = leaves.GetRange(start, 1 << height).Select(l => l.ToArray()).ToList();
        while (level.Count > 1)
        {
            var next = new List<byte[]>();
            for (int i = 0; i < level.Count; i += 2) next.Add(Oracle.Keccak([.. level[i], .. level[i + 1]]));
            level = next;
        }
        return new Hash256(level[0]);
    }
}

/// <summary>Protocol transactions decode back into the messages they deliver.</summary>
public class DeliveryDecodingTests
{
    [Fact]
    public void Delivery_calldata_round_trips_and_garbage_is_refused()
    {
        Address token = Address.FromHex("0x00000000000000000000000000000000000000aa");
        var messages = new List<CrossRollupMessage>();
        var set = new RollupSet(2);
        ulong a = set.Ids[0], b = set.Ids[1];
        messages.AddRange(CrossRollupMessage.DecodeAll(set.Send(a, Alice, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, new UInt256(9), b, Bob)).Logs, a));
        foreach (int length in new[] { 0, 1, 32, 33, 100 })
            messages.AddRange(CrossRollupMessage.DecodeAll(set.Send(a, Alice, SystemAddresses.Messenger,
                SystemCalldata.Trigger(b, Bob, Enumerable.Range(0, length).Select(i => (byte)(i + 1)).ToArray(), new UInt256(30_000))).Logs, a));
        Assert.Equal(6, messages.Count);
        foreach (CrossRollupMessage m in messages)
        {
            Assert.True(CrossRollupMessage.TryDecodeDelivery(m.DeliveryTo, m.DeliveryCalldata, m.Destination, out CrossRollupMessage back));
            Assert.Equal((m.Kind, m.Source, m.Destination, m.Nonce, m.MessageHash), (back.Kind, back.Source, back.Destination, back.Nonce, back.MessageHash));
            Assert.Equal(m.Data, back.Data);
            Assert.Equal(m.DeliveryGas, back.DeliveryGas);
            Assert.False(CrossRollupMessage.TryDecodeDelivery(token, m.DeliveryCalldata, m.Destination, out _)); // wrong contract
            Assert.False(CrossRollupMessage.TryDecodeDelivery(m.DeliveryTo, m.DeliveryCalldata[..^1], m.Destination, out _)); // truncated
            Assert.False(CrossRollupMessage.TryDecodeDelivery(m.DeliveryTo, [.. m.DeliveryCalldata, 0], m.Destination, out _)); // trailing byte
        }
        // Trigger calldata is not a delivery even to the right contract.
        Assert.False(CrossRollupMessage.TryDecodeDelivery(SystemAddresses.Messenger, SystemCalldata.Trigger(b, Bob, [1], UInt256.One), b, out _));
        Assert.False(CrossRollupMessage.TryDecodeDelivery(SystemAddresses.MintBurn, SystemCalldata.Burn(token, UInt256.One, b, Bob), b, out _));
    }
}
