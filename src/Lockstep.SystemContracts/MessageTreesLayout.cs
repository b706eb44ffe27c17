using Lockstep.Primitives;

namespace Lockstep.SystemContracts;

/// <summary>
/// Storage slots of <see cref="SystemAddresses.MessageTrees"/> (docs/protocol.md), for reading roots straight from
/// state and for <c>eth_getProof</c> storage proofs on L1. Solidity layout: slot 0 <c>mapping(uint256 =&gt; Tree)
/// outbox</c>, slot 1 <c>inbox</c>, slot 2 <c>mapping(uint256 =&gt; bool) isMember</c>, slot 3 <c>uint256[]
/// memberList</c>; a Tree is <c>{bytes32 root; uint256 count; bytes32[32] branch; uint256 foldedCount;}</c>, so the
/// tree for chain c in the mapping at slot k has its root at keccak256(abi.encode(c, k)), its count at that + 1,
/// branch[h] at + 2 + h and the count its root covers (foldedCount) at + 34.
/// </summary>
public static class MessageTreesLayout
{
    /// <summary>Slot of the <c>outbox</c> mapping (keyed by destination chain id).</summary>
    public const ulong OutboxMappingSlot = 0;
    /// <summary>Slot of the <c>inbox</c> mapping (keyed by source chain id).</summary>
    public const ulong InboxMappingSlot = 1;
    /// <summary>Slot of the <c>isMember</c> mapping (keyed by chain id).</summary>
    public const ulong IsMemberMappingSlot = 2;
    /// <summary>Slot of the <c>memberList</c> array (length here, elements from keccak256(abi.encode(3))).</summary>
    public const ulong MemberListSlot = 3;

    /// <summary>Slot of the outbox root for <paramref name="destination"/> on this rollup.</summary>
    public static UInt256 OutboxRootSlot(ulong destination) => MappingSlot(destination, OutboxMappingSlot);

    /// <summary>Slot of the outbox message count for <paramref name="destination"/> (the next nonce).</summary>
    public static UInt256 OutboxCountSlot(ulong destination) => OutboxRootSlot(destination) + UInt256.One;

    /// <summary>Slot of the inbox root for <paramref name="source"/> on this rollup.</summary>
    public static UInt256 InboxRootSlot(ulong source) => MappingSlot(source, InboxMappingSlot);

    /// <summary>Slot of the inbox message count for <paramref name="source"/> (the nonce the next delivery needs).</summary>
    public static UInt256 InboxCountSlot(ulong source) => InboxRootSlot(source) + UInt256.One;

    /// <summary>Offset of <c>branch[0]</c> from a tree's root slot.</summary>
    public const ulong BranchOffset = 2;
    /// <summary>Offset of <c>foldedCount</c> (the leaf count the stored root covers) from a tree's root slot.</summary>
    public const ulong FoldedCountOffset = 34;

    /// <summary>Slot of the outbox's <c>foldedCount</c> for <paramref name="destination"/>.</summary>
    public static UInt256 OutboxFoldedCountSlot(ulong destination) => OutboxRootSlot(destination) + new UInt256(FoldedCountOffset);

    /// <summary>Slot of the inbox's <c>foldedCount</c> for <paramref name="source"/>.</summary>
    public static UInt256 InboxFoldedCountSlot(ulong source) => InboxRootSlot(source) + new UInt256(FoldedCountOffset);

    /// <summary>Slot of <c>isMember[chainId]</c>.</summary>
    public static UInt256 IsMemberSlot(ulong chainId) => MappingSlot(chainId, IsMemberMappingSlot);

    /// <summary>Slot of <c>memberList[index]</c>.</summary>
    public static UInt256 MemberListElementSlot(int index)
    {
        Span<byte> buffer = stackalloc byte[32];
        new UInt256(MemberListSlot).WriteBigEndian(buffer);
        return Keccak256.Compute(buffer).ToUInt256() + new UInt256((ulong)index);
    }

    /// <summary>keccak256(abi.encode(key, slot)): Solidity's slot of <c>mapping[key]</c> for a value-type key.</summary>
    public static UInt256 MappingSlot(in UInt256 key, in UInt256 slot)
    {
        Span<byte> buffer = stackalloc byte[64];
        key.WriteBigEndian(buffer[..32]);
        slot.WriteBigEndian(buffer[32..]);
        return Keccak256.Compute(buffer).ToUInt256();
    }

    /// <summary>keccak256(abi.encode(address, slot)): the slot of <c>mapping[address]</c>.</summary>
    public static UInt256 MappingSlot(in Address key, in UInt256 slot) => MappingSlot(key.ToUInt256(), slot);

    /// <summary>The outbox root for <paramref name="destination"/>, read from <paramref name="state"/>.</summary>
    public static Hash256 ReadOutboxRoot(Lockstep.State.WorldState state, ulong destination) =>
        Hash256.FromUInt256(state.GetStorage(SystemAddresses.MessageTrees, OutboxRootSlot(destination)));

    /// <summary>The inbox root for <paramref name="source"/>, read from <paramref name="state"/>.</summary>
    public static Hash256 ReadInboxRoot(Lockstep.State.WorldState state, ulong source) =>
        Hash256.FromUInt256(state.GetStorage(SystemAddresses.MessageTrees, InboxRootSlot(source)));

    /// <summary>Messages sent to <paramref name="destination"/>, read from <paramref name="state"/>.</summary>
    public static ulong ReadOutboxCount(Lockstep.State.WorldState state, ulong destination) =>
        (ulong)state.GetStorage(SystemAddresses.MessageTrees, OutboxCountSlot(destination));

    /// <summary>Messages from <paramref name="source"/> executed, read from <paramref name="state"/>.</summary>
    public static ulong ReadInboxCount(Lockstep.State.WorldState state, ulong source) =>
        (ulong)state.GetStorage(SystemAddresses.MessageTrees, InboxCountSlot(source));

    /// <summary>The set's chain ids as written in genesis (<c>memberList</c>), read from <paramref name="state"/>.</summary>
    public static ulong[] ReadMembers(Lockstep.State.WorldState state)
    {
        ulong length = (ulong)state.GetStorage(SystemAddresses.MessageTrees, new UInt256(MemberListSlot));
        if (length > 1024) throw new InvalidOperationException($"MessageTrees lists {length} members: not a genesis this code wrote");
        var members = new ulong[length];
        for (int i = 0; i < members.Length; i++) members[i] = (ulong)state.GetStorage(SystemAddresses.MessageTrees, MemberListElementSlot(i));
        return members;
    }

    /// <summary>
    /// True when some tree's root slot does not cover all its leaves (count != foldedCount for an outbox or inbox
    /// of any other member): the block must end with the <c>MessageTrees.fold()</c> protocol transaction.
    /// </summary>
    public static bool NeedsFold(Lockstep.State.WorldState state, ulong chainId, IReadOnlyList<ulong> members)
    {
        foreach (ulong other in members)
        {
            if (other == chainId) continue;
            UInt256 outbox = OutboxRootSlot(other), inbox = InboxRootSlot(other);
            if (state.GetStorage(SystemAddresses.MessageTrees, outbox + UInt256.One) != state.GetStorage(SystemAddresses.MessageTrees, outbox + new UInt256(FoldedCountOffset))) return true;
            if (state.GetStorage(SystemAddresses.MessageTrees, inbox + UInt256.One) != state.GetStorage(SystemAddresses.MessageTrees, inbox + new UInt256(FoldedCountOffset))) return true;
        }
        return false;
    }

    /// <summary>
    /// Gas limit of the fold transaction on a set of <paramref name="members"/> rollups: a base plus, per other
    /// member, two trees at their worst (32 cold branch reads, 64 keccak256, root and foldedCount first written:
    /// about 117,000 gas measured, tests/Lockstep.SystemContracts.Tests FoldTests).
    /// </summary>
    public static ulong FoldGasLimit(int members) => FoldGasBase + (ulong)Math.Max(members - 1, 0) * 2 * FoldGasPerTree;

    /// <summary>Fixed part of <see cref="FoldGasLimit"/> (call, member list).</summary>
    public const ulong FoldGasBase = 50_000;
    /// <summary>Per-tree part of <see cref="FoldGasLimit"/>.</summary>
    public const ulong FoldGasPerTree = 130_000;
}
