using Lockstep.Primitives;

namespace Lockstep.TxPool;

/// <summary>Why <see cref="TransactionPool.Add(ReadOnlySpan{byte})"/> refused a transaction.</summary>
public enum TxPoolError
{
    /// <summary>Accepted.</summary>
    None = 0,
    /// <summary>Not a valid EIP-2718 encoding (bad or non-canonical RLP, wrong field count, trailing bytes).</summary>
    Malformed,
    /// <summary>v, r or s out of range, or no sender recovers from the signature.</summary>
    InvalidSignature,
    /// <summary>The transaction signs for another chain.</summary>
    WrongChainId,
    /// <summary>The encoding is larger than <see cref="TxPoolOptions.MaxTransactionBytes"/>.</summary>
    Oversized,
    /// <summary>A transaction with the same hash is already in the pool.</summary>
    AlreadyKnown,
    /// <summary>The nonce is below the sender's state nonce.</summary>
    NonceTooLow,
    /// <summary>The nonce is more than <see cref="TxPoolOptions.MaxNonceGap"/> past the sender's pending nonce.</summary>
    NonceGapTooLarge,
    /// <summary>The balance does not cover value + gas * fee cap plus the cost of the sender's other pooled transactions.</summary>
    InsufficientFunds,
    /// <summary>The gas limit is below the intrinsic gas.</summary>
    IntrinsicGasTooLow,
    /// <summary>The gas limit is above <see cref="TxPoolOptions.BlockGasLimit"/>.</summary>
    GasLimitExceedsBlock,
    /// <summary>The fee cap is below the base fee of the next block.</summary>
    FeeCapBelowBaseFee,
    /// <summary>maxPriorityFeePerGas is above maxFeePerGas (EIP-1559).</summary>
    TipAboveFeeCap,
    /// <summary>The tip is below <see cref="TxPoolOptions.MinPriorityFee"/>, or the pool is full of better-paying transactions.</summary>
    Underpriced,
    /// <summary>Same sender and nonce as a pooled transaction without the required fee bump.</summary>
    ReplacementUnderpriced,
    /// <summary>The sender already holds <see cref="TxPoolOptions.MaxPerSender"/> transactions.</summary>
    SenderLimit,
    /// <summary>The pool holds <see cref="TxPoolOptions.MaxTotal"/> transactions and none can be evicted for this one.</summary>
    PoolFull,
    /// <summary>The sender account has code (EIP-3607: only externally owned accounts send transactions).</summary>
    SenderHasCode,
    /// <summary>A type users may not submit: anything but 0, 1, 2 (and 3 when blobs are allowed), e.g. the protocol's system transactions.</summary>
    TypeNotSupported,
    /// <summary>The nonce is 2^64-1 (EIP-2681).</summary>
    NonceMax,
    /// <summary>A creation whose init code exceeds 49152 bytes (EIP-3860).</summary>
    InitCodeTooLarge,
    /// <summary>gas * fee cap (+ value) does not fit in 256 bits.</summary>
    FeeOverflow,
    /// <summary>A legacy transaction without EIP-155 replay protection while <see cref="TxPoolOptions.AllowUnprotectedTransactions"/> is off.</summary>
    NotReplayProtected,
    /// <summary>An EIP-4844 transaction with no blob hashes, too many, or a hash of the wrong version.</summary>
    InvalidBlobs,
}

/// <summary>
/// The outcome of adding one transaction. <see cref="Message"/> follows go-ethereum's wording (wallets and ethers
/// match on it) and is meant to be returned as the JSON-RPC error message as is.
/// </summary>
/// <param name="Hash">The transaction hash (zero when the input could not be decoded).</param>
/// <param name="Error">Why it was refused, or <see cref="TxPoolError.None"/>.</param>
/// <param name="Message">Human-readable reason; empty when accepted.</param>
public readonly record struct TxPoolResult(Hash256 Hash, TxPoolError Error, string Message)
{
    /// <summary>True when the transaction is now in the pool.</summary>
    public bool Accepted => Error == TxPoolError.None;
}

/// <summary>Why a transaction left the pool (see <see cref="TransactionPool.TransactionRemoved"/>).</summary>
public enum TxRemovalReason
{
    /// <summary>Included in a block (<see cref="TransactionPool.OnNewHead"/>).</summary>
    Included,
    /// <summary>Replaced by a transaction of the same sender and nonce paying more.</summary>
    Replaced,
    /// <summary>Its nonce fell below the sender's state nonce (another transaction with that nonce was included).</summary>
    Stale,
    /// <summary>The sender's balance at the new head no longer covers it.</summary>
    Unaffordable,
    /// <summary>No longer valid at the new head for another reason (the sender now has code, EIP-3607).</summary>
    Invalidated,
    /// <summary>Evicted to make room (sender or total limit).</summary>
    Evicted,
    /// <summary>Removed by <see cref="TransactionPool.Remove"/> (e.g. the sequencer rejected it).</summary>
    Removed,
}
