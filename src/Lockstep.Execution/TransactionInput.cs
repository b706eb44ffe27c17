using Lockstep.Evm;
using Lockstep.Primitives;

namespace Lockstep.Execution;

/// <summary>One EIP-2930 access list entry: an address and the slots to pre-warm.</summary>
public readonly record struct AccessListItem(Address Address, UInt256[] StorageKeys);

/// <summary>
/// A transaction as the processor executes it: already decoded and with its sender recovered. Type 0 (legacy)
/// and 1 (EIP-2930) use <see cref="GasPrice"/>; types 2 (EIP-1559) and 3 (EIP-4844) use the fee caps.
/// </summary>
public sealed class TransactionInput
{
    public byte Type { get; init; }
    public Address Sender { get; init; }
    /// <summary>Recipient; null for a contract creation.</summary>
    public Address? To { get; init; }
    public ulong Nonce { get; init; }
    public UInt256 Value { get; init; }
    public byte[] Data { get; init; } = [];
    public ulong GasLimit { get; init; }
    public UInt256 GasPrice { get; init; }
    public UInt256 MaxFeePerGas { get; init; }
    public UInt256 MaxPriorityFeePerGas { get; init; }
    public AccessListItem[] AccessList { get; init; } = [];
    public Hash256[] BlobVersionedHashes { get; init; } = [];
    public UInt256 MaxFeePerBlobGas { get; init; }

    public bool IsCreate => To is null;

    /// <summary>EIP-4844 blob gas: GAS_PER_BLOB per versioned hash of a type-3 transaction, else zero.</summary>
    public ulong BlobGas => Type == 3 ? GasCost.BlobGasPerBlob * (ulong)BlobVersionedHashes.Length : 0;
    /// <summary>True for EIP-1559 style fee fields (types 2 and 3).</summary>
    public bool HasFeeCaps => Type >= 2;
}
