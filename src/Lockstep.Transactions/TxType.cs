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
}
