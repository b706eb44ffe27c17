namespace Lockstep.Transactions;

/// <summary>The EIP-2718 transaction type. Legacy transactions carry no type byte on the wire.</summary>
public enum TxType : byte
{
    /// <summary>Pre-EIP-2718 RLP list, with or without the EIP-155 chain id in v.</summary>
    Legacy = 0,

    /// <summary>EIP-2930: chain id, gas price and an access list.</summary>
    AccessList = 1,

    /// <summary>EIP-1559: max fee and max priority fee per gas.</summary>
    DynamicFee = 2,

    /// <summary>EIP-4844: blob-carrying transaction (the canonical form blocks carry, without blobs).</summary>
    Blob = 3,

    /// <summary>
    /// Lockstep protocol (system) transaction: a cross-rollup delivery the sequencer inserts into a destination
    /// block, <c>0x7F || rlp([chainId, sourceChainId, sourceTxHash, messageNonce, to, gasLimit, data])</c>, unsigned,
    /// sent by <see cref="SystemTransaction.ProtocolSender"/>. Valid only in block bodies, never from users
    /// (<see cref="TransactionDecoder.DecodeUser"/> refuses it). 0x7F is the highest EIP-2718 type byte, far from
    /// Ethereum's own types (and from OP stack deposits, 0x7E).
    /// </summary>
    System = 0x7F,
}
