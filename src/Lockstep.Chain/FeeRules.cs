namespace Lockstep.Chain;

/// <summary>The header fee rules: EIP-1559 base fee and EIP-4844 blob gas accounting (Cancun parameters).</summary>
public static class FeeRules
{
    /// <summary>EIP-1559: BASE_FEE_MAX_CHANGE_DENOMINATOR.</summary>
    public const ulong BaseFeeMaxChangeDenominator = 8;
    /// <summary>EIP-1559: ELASTICITY_MULTIPLIER.</summary>
    public const ulong ElasticityMultiplier = 2;
    /// <summary>EIP-1559: INITIAL_BASE_FEE of the fork block.</summary>
    public const ulong InitialBaseFee = 1_000_000_000;
    /// <summary>EIP-4844: GAS_PER_BLOB (the transaction model's constant).</summary>
    public const ulong GasPerBlob = Transactions.Transaction.GasPerBlob;
    /// <summary>EIP-4844 (Cancun): TARGET_BLOB_GAS_PER_BLOCK (3 blobs, 393216).</summary>
    public const ulong TargetBlobGasPerBlock = 3 * GasPerBlob;
    /// <summary>EIP-4844 (Cancun): MAX_BLOB_GAS_PER_BLOCK (6 blobs, 786432).</summary>
    public const ulong MaxBlobGasPerBlock = 6 * GasPerBlob;

    /// <summary>
    /// EIP-1559: the base fee of the child of <paramref name="parent"/>. Unchanged at the gas target
    /// (gasLimit / ELASTICITY_MULTIPLIER); above it, up by parentBaseFee · Δgas / target / 8 (at least 1); below
    /// it, down by the same formula. A parent without a base fee (the fork block's parent) gives INITIAL_BASE_FEE.
    /// </summary>
    public static Primitives.UInt256 NextBaseFee(BlockHeader parent)
    {
        if (parent.BaseFeePerGas is not { } parentBaseFee) return new Primitives.UInt256(InitialBaseFee);
        ulong target = parent.GasLimit / ElasticityMultiplier;
        if (target == 0 || parent.GasUsed == target) return parentBaseFee;
        if (parent.GasUsed > target)
        {
            Primitives.UInt256 delta = parentBaseFee * new Primitives.UInt256(parent.GasUsed - target)
                / new Primitives.UInt256(target) / new Primitives.UInt256(BaseFeeMaxChangeDenominator);
            if (delta.IsZero) delta = Primitives.UInt256.One;
            return parentBaseFee + delta;
        }
        Primitives.UInt256 down = parentBaseFee * new Primitives.UInt256(target - parent.GasUsed)
            / new Primitives.UInt256(target) / new Primitives.UInt256(BaseFeeMaxChangeDenominator);
        return parentBaseFee - down;
    }

    /// <summary>
    /// EIP-4844 calc_excess_blob_gas: parent excess + parent blob gas used, minus the target, floored at zero.
    /// A parent from before Cancun counts as zero and zero.
    /// </summary>
    public static ulong NextExcessBlobGas(BlockHeader parent)
    {
        ulong sum = (parent.ExcessBlobGas ?? 0) + (parent.BlobGasUsed ?? 0);
        return sum < TargetBlobGasPerBlock ? 0 : sum - TargetBlobGasPerBlock;
    }

    /// <summary>EIP-4844: blob gas of a transaction with <paramref name="blobCount"/> blobs.</summary>
    public static ulong BlobGas(int blobCount) => GasPerBlob * (ulong)blobCount;
}
