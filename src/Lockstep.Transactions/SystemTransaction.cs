using Lockstep.Primitives;

namespace Lockstep.Transactions;

/// <summary>
/// Protocol (system) transactions, type 0x7F (<see cref="TxType.System"/>): the cross-rollup deliveries
/// (<c>MintBurn.mint</c>, <c>Messenger.action</c>) the shared sequencer executes on a destination rollup.
/// Envelope (EIP-2718): <c>0x7F || rlp([chainId, sourceChainId, sourceTxHash, messageNonce, to, gasLimit, data])</c>;
/// no signature, no nonce, no fee; the sender is <see cref="ProtocolSender"/>; the hash is keccak of the envelope.
/// They sit in block bodies (so the transactions root and the type-0x7F receipts commit to them and a verifier
/// re-derives each one from the source rollup's logs), but users can never submit one.
/// </summary>
public static class SystemTransaction
{
    /// <summary>PROTOCOL_SENDER: the reserved, keyless sender of every system transaction.</summary>
    public static readonly Address ProtocolSender = Address.FromHex("0x0000000000000000000000000000000000001000");

    /// <summary>A system transaction delivering message <paramref name="messageNonce"/> from <paramref name="sourceChainId"/>.</summary>
    /// <param name="chainId">The destination rollup (where it executes).</param>
    /// <param name="sourceChainId">The rollup whose user transaction sent the message.</param>
    /// <param name="sourceTxHash">That user transaction's hash.</param>
    /// <param name="messageNonce">The per-pair message nonce.</param>
    /// <param name="to">The system contract called (MintBurn or Messenger).</param>
    /// <param name="gasLimit">Gas the call may use (it counts toward the destination block's gas).</param>
    /// <param name="data">The calldata (mint/action).</param>
    public static Transaction Create(ulong chainId, ulong sourceChainId, Hash256 sourceTxHash, ulong messageNonce, Address to, ulong gasLimit, ReadOnlyMemory<byte> data) => new()
    {
        Type = TxType.System,
        ChainId = new UInt256(chainId),
        SourceChainId = sourceChainId,
        SourceTxHash = sourceTxHash,
        MessageNonce = messageNonce,
        To = to,
        GasLimit = gasLimit,
        Data = data,
    };
}
