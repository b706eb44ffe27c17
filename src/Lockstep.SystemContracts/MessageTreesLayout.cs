using Lockstep.Primitives;

namespace Lockstep.SystemContracts;

/// <summary>
/// Storage slots of <see cref="SystemAddresses.MessageTrees"/> (docs/protocol.md), for reading roots straight from
/// state and for <c>eth_getProof</c> storage proofs on L1. Solidity layout: slot 0 <c>mapping(uint256 =&gt; Tree)
/// outbox</c>, slot 1 <c>inbox</c>, slot 2 <c>mapping(uint256 =&gt; bool) isMember</c>, slot 3 <c>uint256[]
/// memberList</c>; a Tree is <c>{bytes32 root; uint256 count; bytes32[32] branch;}</c>, so the tree for chain c in
/// the mapping at slot k has its root at keccak256(abi.encode(c, k)), its count at that + 1 and branch[h] at + 2 + h.
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
}
