namespace Lockstep.Transactions;

/// <summary>Why a transaction was rejected, by decoding or by the static validity rules.</summary>
public enum TransactionError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    // ---- decoding (TransactionDecoder) ----

    /// <summary>Empty input.</summary>
    Empty,
    /// <summary>Malformed or non-canonical RLP structure (bad lengths, sizes past the end, non-canonical headers).</summary>
    MalformedRlp,
    /// <summary>Bytes after the transaction.</summary>
    TrailingBytes,
    /// <summary>EIP-2718 type byte outside the supported range (1..3 under Cancun), or an RLP string where a legacy list or type byte was expected.</summary>
    UnsupportedType,
    /// <summary>The transaction list has fewer fields than its type requires.</summary>
    TooFewFields,
    /// <summary>The transaction list has more fields than its type requires.</summary>
    TooManyFields,
    /// <summary>A list where a byte string was required, or the reverse.</summary>
    UnexpectedItemKind,
    /// <summary>An integer field with leading zero bytes (not canonical).</summary>
    LeadingZeros,
    /// <summary>An integer field wider than its type (64 bits for nonce and gas limit, 256 bits otherwise).</summary>
    IntegerOverflow,
    /// <summary>An address that is not exactly 20 bytes (or, for <c>to</c>, empty).</summary>
    InvalidAddressLength,
    /// <summary>A storage key or blob versioned hash that is not exactly 32 bytes.</summary>
    InvalidHashLength,
    /// <summary>An EIP-4844 transaction without a <c>to</c> address (blob transactions cannot create contracts).</summary>
    BlobTxWithoutTo,
    /// <summary>
    /// A protocol (system) transaction, type 0x7F, where only user transactions are accepted (RPC, mempool), or
    /// asked for a signature or sender recovery it does not have.
    /// </summary>
    SystemTransactionNotAllowed,

    // ---- static validity (TransactionValidator / sender recovery) ----

    /// <summary>v/yParity, r or s outside the allowed values: r, s in [1, n-1], s at most n/2 (EIP-2), v per type.</summary>
    InvalidSignature,
    /// <summary>The chain id (from EIP-155 v or the typed field) does not match the chain.</summary>
    InvalidChainId,
    /// <summary>The signature is in range but no public key recovers from it.</summary>
    RecoveryFailed,
    /// <summary>Nonce is 2^64-1 or more (EIP-2681).</summary>
    NonceTooBig,
    /// <summary>The gas limit is below the intrinsic gas.</summary>
    IntrinsicGasTooLow,
    /// <summary>A contract creation whose init code exceeds 49152 bytes (EIP-3860).</summary>
    InitCodeTooLarge,
    /// <summary>gasLimit * (max) gas price does not fit in 256 bits.</summary>
    GasLimitPriceProductOverflow,
    /// <summary>maxPriorityFeePerGas greater than maxFeePerGas (EIP-1559).</summary>
    PriorityFeeGreaterThanMaxFee,
    /// <summary>An EIP-4844 transaction with no blob hashes, or more than the per-block maximum (6 under Cancun).</summary>
    InvalidBlobCount,
    /// <summary>A blob versioned hash whose first byte is not 0x01 (VERSIONED_HASH_VERSION_KZG, EIP-4844).</summary>
    InvalidBlobVersionedHash,
}

/// <summary>Thrown by <see cref="TransactionDecoder"/> for any invalid input; no other exception type escapes it.</summary>
public sealed class TransactionDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransactionDecodeException(TransactionError reason, string message) : base($"{reason}: {message}") => Reason = reason;

    /// <summary>Creates the exception wrapping a lower-level cause.</summary>
    public TransactionDecodeException(TransactionError reason, string message, Exception inner) : base($"{reason}: {message}", inner) => Reason = reason;

    /// <summary>The typed reason.</summary>
    public TransactionError Reason { get; }
}
