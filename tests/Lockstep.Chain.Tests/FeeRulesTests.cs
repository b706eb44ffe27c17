using System.Numerics;
using Lockstep.Primitives;

namespace Lockstep.Chain.Tests;

public class FeeRulesTests
{
    /// <summary>EIP-1559's reference pseudo-code (validate_block) with BigInteger, as an oracle.</summary>
    private static BigInteger Eip1559(BigInteger parentBaseFee, ulong parentGasUsed, ulong parentGasLimit)
    {
        BigInteger target = parentGasLimit / 2;
        if (parentGasUsed == target) return parentBaseFee;
        if (parentGasUsed > target)
        {
            BigInteger delta = parentGasUsed - target;
            return parentBaseFee + BigInteger.Max(parentBaseFee * delta / target / 8, 1);
        }
        BigInteger down = target - parentGasUsed;
        return parentBaseFee - parentBaseFee * down / target / 8;
    }

    [Fact]
    public void BaseFeeSequenceFollowsEip1559()
    {
        var rng = new Random(42);
        BigInteger expected = 1_000_000_000;
        BlockHeader parent = new() { GasLimit = 30_000_000, GasUsed = 0, BaseFeePerGas = new UInt256(1_000_000_000) };
        for (int i = 0; i < 500; i++)
        {
            ulong used = (ulong)rng.NextInt64(0, 30_000_001);
            if (i % 10 == 0) used = 15_000_000; // exactly at target
            if (i % 10 == 1) used = 30_000_000; // full
            parent = new BlockHeader { GasLimit = 30_000_000, GasUsed = used, BaseFeePerGas = UInt256.FromBigInteger(expected) };
            expected = Eip1559(expected, used, 30_000_000);
            Assert.Equal(expected, FeeRules.NextBaseFee(parent).ToBigInteger());
        }
    }

    [Fact]
    public void FullBlockRaisesByAnEighthAndEmptyBlockLowersByAnEighth()
    {
        // EIP-1559 text: the base fee changes by at most 1/8 (12.5%) per block.
        BlockHeader full = new() { GasLimit = 30_000_000, GasUsed = 30_000_000, BaseFeePerGas = new UInt256(800) };
        BlockHeader empty = new() { GasLimit = 30_000_000, GasUsed = 0, BaseFeePerGas = new UInt256(800) };
        Assert.Equal(new UInt256(900), FeeRules.NextBaseFee(full));
        Assert.Equal(new UInt256(700), FeeRules.NextBaseFee(empty));
        // The increase is at least 1 wei even when the fraction rounds to zero.
        BlockHeader tiny = new() { GasLimit = 30_000_000, GasUsed = 15_000_001, BaseFeePerGas = new UInt256(7) };
        Assert.Equal(new UInt256(8), FeeRules.NextBaseFee(tiny));
        // A pre-London parent: INITIAL_BASE_FEE.
        Assert.Equal(new UInt256(1_000_000_000), FeeRules.NextBaseFee(new BlockHeader { GasLimit = 30_000_000 }));
    }

    [Fact]
    public void ExcessBlobGasFollowsEip4844()
    {
        // calc_excess_blob_gas(parent) from EIP-4844, TARGET_BLOB_GAS_PER_BLOCK = 393216.
        Assert.Equal(0UL, FeeRules.NextExcessBlobGas(new BlockHeader { ExcessBlobGas = 0, BlobGasUsed = 393216 }));
        Assert.Equal(131072UL, FeeRules.NextExcessBlobGas(new BlockHeader { ExcessBlobGas = 0, BlobGasUsed = 524288 }));
        Assert.Equal(0UL, FeeRules.NextExcessBlobGas(new BlockHeader { ExcessBlobGas = 131072, BlobGasUsed = 0 }));
        Assert.Equal(524288UL, FeeRules.NextExcessBlobGas(new BlockHeader { ExcessBlobGas = 131072, BlobGasUsed = 786432 }));
        Assert.Equal(0UL, FeeRules.NextExcessBlobGas(new BlockHeader()));
        Assert.Equal(786432UL, FeeRules.BlobGas(6));
    }
}
