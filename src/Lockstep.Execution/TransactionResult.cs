using Lockstep.Evm;
using Lockstep.Primitives;
using Lockstep.State;

namespace Lockstep.Execution;

/// <summary>Why a transaction can never be included (the state is untouched).</summary>
public enum InvalidTransactionReason
{
    None,
    NonceTooLow,
    NonceTooHigh,
    /// <summary>EIP-2681: the sender's nonce is 2^64-1.</summary>
    NonceIsMax,
    /// <summary>EIP-3607: the sender has code.</summary>
    SenderNotEoa,
    IntrinsicGasTooLow,
    GasLimitExceedsBlock,
    InsufficientFunds,
    /// <summary>max fee per gas (or gas price) below the base fee.</summary>
    FeeCapBelowBaseFee,
    /// <summary>EIP-1559: priority fee above max fee.</summary>
    PriorityFeeAboveFeeCap,
    /// <summary>EIP-3860: creation initcode over 49152 bytes.</summary>
    InitCodeTooLarge,
    BlobCreation,
    NoBlobs,
    TooManyBlobs,
    BadBlobVersion,
    BlobFeeCapTooLow,
    /// <summary>A value that does not fit its field (e.g. gas limit beyond 64 bits).</summary>
    ValueOutOfRange,
}

/// <summary>The result of an included transaction: success, revert or halt, with gas and logs.</summary>
public sealed class TransactionResult
{
    public ExecStatus Status { get; init; }
    public bool Success => Status.IsSuccess();
    /// <summary>Gas charged to the sender (after the EIP-3529 refund).</summary>
    public long GasUsed { get; init; }
    public byte[] Output { get; init; } = [];
    public IReadOnlyList<LogEntry> Logs { get; init; } = [];
    /// <summary>The new contract for a successful creation.</summary>
    public Address? ContractAddress { get; init; }
}
