using Lockstep.Primitives;

namespace Lockstep.L1Contracts;

/// <summary>Solidity storage-slot arithmetic and the L2 layout the L1 contracts prove against.</summary>
public static class StorageSlots
{
    /// <summary>The slot of <c>mapping[key]</c> for a mapping declared at <paramref name="baseSlot"/>:
    /// keccak256(abi.encode(key, baseSlot)) (Solidity docs, "Layout of State Variables in Storage").</summary>
    public static Hash256 Mapping(UInt256 key, UInt256 baseSlot) => Keccak256.Compute(AbiValue.Encode(AbiValue.Uint(key), AbiValue.Uint(baseSlot)));

    /// <summary>The slot of <c>mapping[key]</c> for a bytes32-keyed mapping.</summary>
    public static Hash256 Mapping(Hash256 key, UInt256 baseSlot) => Keccak256.Compute(AbiValue.Encode(AbiValue.Bytes32(key), AbiValue.Uint(baseSlot)));
}

/// <summary>
/// Where the L2 MessageTrees contract keeps its roots (contracts/src/system/MessageTrees.sol): <c>outbox</c> is a
/// mapping(uint256 destination =&gt; Tree) at slot 0 and <c>inbox</c> a mapping(uint256 source =&gt; Tree) at slot 1;
/// <c>Tree.root</c> is the struct's first member, so the root of entry <c>k</c> is at keccak256(abi.encode(k, base)).
/// These are the L1SharedInbox constructor's defaults for <c>messageTrees</c>, <c>outboxBaseSlot</c>, <c>inboxBaseSlot</c>.
/// </summary>
public static class MessageTreesLayout
{
    /// <summary>MessageTrees' predeploy address on every rollup.</summary>
    public static readonly Address Address = Address.FromHex("0x0000000000000000000000000000000000001003");

    /// <summary>Storage slot of the <c>outbox</c> mapping.</summary>
    public static readonly UInt256 OutboxBaseSlot = UInt256.Zero;

    /// <summary>Storage slot of the <c>inbox</c> mapping.</summary>
    public static readonly UInt256 InboxBaseSlot = UInt256.One;

    /// <summary>The slot of outboxRoot[destination] on a source rollup.</summary>
    public static Hash256 OutboxRootSlot(ulong destinationChainId) => StorageSlots.Mapping(new UInt256(destinationChainId), OutboxBaseSlot);

    /// <summary>The slot of inboxRoot[source] on a destination rollup.</summary>
    public static Hash256 InboxRootSlot(ulong sourceChainId) => StorageSlots.Mapping(new UInt256(sourceChainId), InboxBaseSlot);
}
