using System.Numerics;
using Lockstep.Primitives;
using static Lockstep.SystemContracts.Tests.Oracle;

namespace Lockstep.SystemContracts.Tests;

/// <summary>Calldata, hashes and slots against Nethereum.ABI and Nethereum's Keccak (independent implementations).</summary>
public class AbiTests
{
    private static readonly Address Token = Address.FromHex("0x1111111111111111111111111111111111111111");
    private static readonly Address From = Address.FromHex("0x2222222222222222222222222222222222222222");
    private static readonly Address To = Address.FromHex("0x3333333333333333333333333333333333333333");
    private static readonly UInt256 Amount = UInt256.FromBigInteger(BigInteger.Parse("123456789012345678901234567890"));

    [Fact]
    public void User_calldata_matches_Nethereum()
    {
        Assert.Equal(Call("burn(address,uint256,uint256,address)", ("address", Token.ToString()), ("uint256", Amount.ToBigInteger()), ("uint256", Big(902)), ("address", To.ToString())),
            SystemCalldata.Burn(Token, Amount, 902, To));
        Assert.Equal(Call("burnETH(uint256,address)", ("uint256", Big(903)), ("address", To.ToString())), SystemCalldata.BurnEth(903, To));
        byte[] payload = Enumerable.Range(0, 37).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(Call("trigger(uint256,address,bytes,uint256)", ("uint256", Big(902)), ("address", To.ToString()), ("bytes", payload), ("uint256", Big(250_000))),
            SystemCalldata.Trigger(902, To, payload, new UInt256(250_000)));
        Assert.Equal(Call("trigger(uint256,address,bytes,uint256)", ("uint256", Big(902)), ("address", To.ToString()), ("bytes", Array.Empty<byte>()), ("uint256", Big(1))),
            SystemCalldata.Trigger(902, To, [], UInt256.One));
        Assert.Equal(Call("approve(address,uint256)", ("address", To.ToString()), ("uint256", Amount.ToBigInteger())), SystemCalldata.Approve(To, Amount));
        Assert.Equal(Call("transfer(address,uint256)", ("address", To.ToString()), ("uint256", Amount.ToBigInteger())), SystemCalldata.Transfer(To, Amount));
        Assert.Equal(Call("balanceOf(address)", ("address", From.ToString())), SystemCalldata.BalanceOf(From));
        Assert.Equal(Selector("totalSupply()"), SystemCalldata.TotalSupply());
        Assert.Equal(Call("outboxRoot(uint256)", ("uint256", Big(5))), SystemCalldata.OutboxRoot(5));
        Assert.Equal(Call("inboxRoot(uint256)", ("uint256", Big(6))), SystemCalldata.InboxRoot(6));
    }

    [Fact]
    public void Protocol_calldata_matches_Nethereum()
    {
        Assert.Equal(Call("mint(uint256,uint256,address,address,address,uint256)", ("uint256", Big(901)), ("uint256", Big(7)),
                ("address", Token.ToString()), ("address", From.ToString()), ("address", To.ToString()), ("uint256", Amount.ToBigInteger())),
            SystemCalldata.Mint(901, 7, Token, From, To, Amount));
        byte[] payload = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        Assert.Equal(Call("action(uint256,uint256,address,address,uint256,bytes)", ("uint256", Big(901)), ("uint256", Big(3)),
                ("address", From.ToString()), ("address", To.ToString()), ("uint256", Big(100_000)), ("bytes", payload)),
            SystemCalldata.Action(901, 3, From, To, new UInt256(100_000), payload));
    }

    [Fact]
    public void Message_hashes_are_keccak_of_abi_encode_with_the_type_hash()
    {
        byte[] mintType = Keccak(System.Text.Encoding.ASCII.GetBytes(
            "LockstepMint(uint256 source,uint256 destination,uint256 nonce,address token,address from,address to,uint256 amount)"));
        byte[] expectedMint = Keccak(Encode(("bytes32", mintType), ("uint256", Big(901)), ("uint256", Big(902)), ("uint256", Big(41)),
            ("address", Token.ToString()), ("address", From.ToString()), ("address", To.ToString()), ("uint256", Amount.ToBigInteger())));
        Assert.Equal(new Hash256(expectedMint), MessageHashes.Mint(901, 902, 41, Token, From, To, Amount));

        byte[] data = [1, 2, 3, 4, 5];
        byte[] actionType = Keccak(System.Text.Encoding.ASCII.GetBytes(
            "LockstepAction(uint256 source,uint256 destination,uint256 nonce,address sender,address target,uint256 gasLimit,bytes data)"));
        byte[] expectedAction = Keccak(Encode(("bytes32", actionType), ("uint256", Big(903)), ("uint256", Big(901)), ("uint256", Big(0)),
            ("address", From.ToString()), ("address", To.ToString()), ("uint256", Big(80_000)), ("bytes32", Keccak(data))));
        Assert.Equal(new Hash256(expectedAction), MessageHashes.Action(903, 901, 0, From, To, new UInt256(80_000), data));

        // Any field change moves the hash (source/destination/nonce bind the message to one pair and position).
        Assert.NotEqual(MessageHashes.Mint(901, 902, 41, Token, From, To, Amount), MessageHashes.Mint(902, 901, 41, Token, From, To, Amount));
        Assert.NotEqual(MessageHashes.Mint(901, 902, 41, Token, From, To, Amount), MessageHashes.Mint(901, 902, 42, Token, From, To, Amount));
    }

    [Fact]
    public void Tree_slots_are_solidity_mapping_slots()
    {
        // keccak256(abi.encode(key, slot)) per the Solidity storage-layout documentation.
        Assert.Equal(new UInt256(Keccak(Encode(("uint256", Big(902)), ("uint256", Big(0))))), MessageTreesLayout.OutboxRootSlot(902));
        Assert.Equal(new UInt256(Keccak(Encode(("uint256", Big(902)), ("uint256", Big(0))))) + UInt256.One, MessageTreesLayout.OutboxCountSlot(902));
        Assert.Equal(new UInt256(Keccak(Encode(("uint256", Big(901)), ("uint256", Big(1))))), MessageTreesLayout.InboxRootSlot(901));
        Assert.Equal(new UInt256(Keccak(Encode(("uint256", Big(77)), ("uint256", Big(2))))), MessageTreesLayout.IsMemberSlot(77));
        Assert.Equal(new UInt256(Keccak(Encode(("uint256", Big(3))))) + new UInt256(2), MessageTreesLayout.MemberListElementSlot(2));
        // The worked examples in docs/protocol.md, computed with ethers (keccak256(AbiCoder.encode(...))).
        Assert.Equal(Hash256.FromHex("0x61bba811c2a194af97d746788e1f3ce32e199e1c679cbf1757a491095de2d957").ToUInt256(), MessageTreesLayout.OutboxRootSlot(902));
        Assert.Equal(Hash256.FromHex("0x5302750d0b62dc7d1967abb2a61caab0c18d812c3761ee292be690a8a7dc40ac").ToUInt256(), MessageTreesLayout.InboxRootSlot(901));
    }

    [Fact]
    public void Event_topics_are_keccak_of_the_signatures()
    {
        Assert.Equal(new Hash256(Keccak(System.Text.Encoding.ASCII.GetBytes("MintRequested(uint256,uint256,bytes32,address,address,address,uint256)"))),
            CrossRollupMessage.MintRequestedTopic);
        Assert.Equal(new Hash256(Keccak(System.Text.Encoding.ASCII.GetBytes("ActionRequested(uint256,uint256,bytes32,address,address,uint256,bytes)"))),
            CrossRollupMessage.ActionRequestedTopic);
    }

    [Fact]
    public void Reference_tree_of_one_leaf_folds_the_zero_ladder()
    {
        // Hand check of the test oracle itself: one leaf L gives H(...H(H(L, z0), z1)..., z31).
        byte[] leaf = Keccak([42]);
        byte[] node = leaf, zero = new byte[32];
        for (int h = 0; h < 32; h++) { node = Keccak([.. node, .. zero]); zero = Keccak([.. zero, .. zero]); }
        Assert.Equal(new Hash256(node), ReferenceTree.Root([new Hash256(leaf)]));
        Assert.Equal(Hash256.Zero, ReferenceTree.Root([]));
    }
}
