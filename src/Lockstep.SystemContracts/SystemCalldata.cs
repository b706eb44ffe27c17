using Lockstep.Primitives;

namespace Lockstep.SystemContracts;

/// <summary>
/// ABI calldata for the system contracts: user entry points (burn, burnETH, trigger, ERC20 calls), the protocol calls
/// the sequencer makes on the destination (mint, action) and the tree getters. Signatures are those of
/// docs/protocol.md; each builder's output is checked against an independent encoder in the tests.
/// </summary>
public static class SystemCalldata
{
    /// <summary>Signature of <c>MintBurn.burn</c>.</summary>
    public const string BurnSignature = "burn(address,uint256,uint256,address)";
    /// <summary>Signature of <c>MintBurn.burnETH</c>.</summary>
    public const string BurnEthSignature = "burnETH(uint256,address)";
    /// <summary>Signature of the protocol call <c>MintBurn.mint</c>.</summary>
    public const string MintSignature = "mint(uint256,uint256,address,address,address,uint256)";
    /// <summary>Signature of <c>Messenger.trigger</c>.</summary>
    public const string TriggerSignature = "trigger(uint256,address,bytes,uint256)";
    /// <summary>Signature of the protocol call <c>Messenger.action</c>.</summary>
    public const string ActionSignature = "action(uint256,uint256,address,address,uint256,bytes)";

    private static readonly byte[] BurnSelector = AbiWords.Selector(BurnSignature);
    private static readonly byte[] BurnEthSelector = AbiWords.Selector(BurnEthSignature);
    private static readonly byte[] MintSelector = AbiWords.Selector(MintSignature);
    private static readonly byte[] TriggerSelector = AbiWords.Selector(TriggerSignature);
    private static readonly byte[] ActionSelector = AbiWords.Selector(ActionSignature);
    private static readonly byte[] ApproveSelector = AbiWords.Selector("approve(address,uint256)");
    private static readonly byte[] TransferSelector = AbiWords.Selector("transfer(address,uint256)");
    private static readonly byte[] BalanceOfSelector = AbiWords.Selector("balanceOf(address)");
    private static readonly byte[] TotalSupplySelector = AbiWords.Selector("totalSupply()");
    private static readonly byte[] OutboxRootSelector = AbiWords.Selector("outboxRoot(uint256)");
    private static readonly byte[] InboxRootSelector = AbiWords.Selector("inboxRoot(uint256)");
    private static readonly byte[] FoldSelector = AbiWords.Selector("fold()");
    private static readonly byte[] MessageSenderSelector = AbiWords.Selector("messageSender()");
    private static readonly byte[] MessageSourceSelector = AbiWords.Selector("messageSourceChainId()");

    /// <summary><c>MintBurn.burn(token, amount, destination, to)</c>: user call on the source.</summary>
    public static byte[] Burn(Address token, UInt256 amount, ulong destination, Address to) =>
        AbiWords.Call(BurnSelector, 4, null, 0, a =>
        {
            AbiWords.Write(a, 0, token);
            AbiWords.Write(a, 32, amount);
            AbiWords.Write(a, 64, new UInt256(destination));
            AbiWords.Write(a, 96, to);
        });

    /// <summary><c>MintBurn.burnETH(destination, to)</c> (payable: the transaction's value is the amount).</summary>
    public static byte[] BurnEth(ulong destination, Address to) =>
        AbiWords.Call(BurnEthSelector, 2, null, 0, a =>
        {
            AbiWords.Write(a, 0, new UInt256(destination));
            AbiWords.Write(a, 32, to);
        });

    /// <summary><c>Messenger.trigger(destination, target, data, gasLimit)</c>: user call on the source.</summary>
    public static byte[] Trigger(ulong destination, Address target, byte[] data, UInt256 gasLimit) =>
        AbiWords.Call(TriggerSelector, 4, data, 2, a =>
        {
            AbiWords.Write(a, 0, new UInt256(destination));
            AbiWords.Write(a, 32, target);
            AbiWords.Write(a, 96, gasLimit);
        });

    /// <summary>Protocol call <c>MintBurn.mint(source, nonce, token, from, to, amount)</c> on the destination.</summary>
    /// <remarks>Written in place, without <see cref="AbiWords.Call"/>'s callback: the builder makes one per delivery.</remarks>
    public static byte[] Mint(ulong source, ulong nonce, Address token, Address from, Address to, UInt256 amount)
    {
        var data = new byte[4 + 6 * 32];
        MintSelector.CopyTo(data, 0);
        Span<byte> a = data.AsSpan(4);
        AbiWords.Write(a, 0, new UInt256(source));
        AbiWords.Write(a, 32, new UInt256(nonce));
        AbiWords.Write(a, 64, token);
        AbiWords.Write(a, 96, from);
        AbiWords.Write(a, 128, to);
        AbiWords.Write(a, 160, amount);
        return data;
    }

    /// <summary>Protocol call <c>Messenger.action(source, nonce, sender, target, gasLimit, data)</c> on the destination.</summary>
    public static byte[] Action(ulong source, ulong nonce, Address sender, Address target, UInt256 gasLimit, byte[] data) =>
        AbiWords.Call(ActionSelector, 6, data, 5, a =>
        {
            AbiWords.Write(a, 0, new UInt256(source));
            AbiWords.Write(a, 32, new UInt256(nonce));
            AbiWords.Write(a, 64, sender);
            AbiWords.Write(a, 96, target);
            AbiWords.Write(a, 128, gasLimit);
        });

    /// <summary>ERC20 <c>approve(spender, amount)</c>.</summary>
    public static byte[] Approve(Address spender, UInt256 amount) => AddressAmount(ApproveSelector, spender, amount);

    /// <summary>ERC20 <c>transfer(to, amount)</c>.</summary>
    public static byte[] Transfer(Address to, UInt256 amount) => AddressAmount(TransferSelector, to, amount);

    /// <summary>ERC20 <c>balanceOf(owner)</c>.</summary>
    public static byte[] BalanceOf(Address owner) => AbiWords.Call(BalanceOfSelector, 1, null, 0, a => AbiWords.Write(a, 0, owner));

    /// <summary>ERC20 <c>totalSupply()</c>.</summary>
    public static byte[] TotalSupply() => [.. TotalSupplySelector];

    /// <summary><c>MessageTrees.outboxRoot(destination)</c>.</summary>
    public static byte[] OutboxRoot(ulong destination) => ChainIdCall(OutboxRootSelector, destination);

    /// <summary><c>MessageTrees.inboxRoot(source)</c>.</summary>
    public static byte[] InboxRoot(ulong source) => ChainIdCall(InboxRootSelector, source);

    /// <summary>Protocol call <c>MessageTrees.fold()</c>: the end-of-block root fold (docs/protocol.md).</summary>
    public static byte[] Fold() => [.. FoldSelector];

    /// <summary><c>Messenger.messageSender()</c>.</summary>
    public static byte[] MessageSender() => [.. MessageSenderSelector];

    /// <summary><c>Messenger.messageSourceChainId()</c>.</summary>
    public static byte[] MessageSourceChainId() => [.. MessageSourceSelector];

    private static byte[] AddressAmount(byte[] selector, Address address, UInt256 amount) =>
        AbiWords.Call(selector, 2, null, 0, a =>
        {
            AbiWords.Write(a, 0, address);
            AbiWords.Write(a, 32, amount);
        });

    private static byte[] ChainIdCall(byte[] selector, ulong chainId) =>
        AbiWords.Call(selector, 1, null, 0, a => AbiWords.Write(a, 0, new UInt256(chainId)));
}
