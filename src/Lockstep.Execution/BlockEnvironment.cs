using Lockstep.Evm;
using Lockstep.Primitives;

namespace Lockstep.Execution;

/// <summary>The header fields a block's transactions execute under (Cancun).</summary>
public sealed class BlockEnvironment
{
    public Address Coinbase { get; init; }
    public ulong Number { get; init; }
    public ulong Timestamp { get; init; }
    public long GasLimit { get; init; }
    /// <summary>EIP-1559 base fee per gas.</summary>
    public UInt256 BaseFee { get; init; }
    /// <summary>EIP-4399 PREVRANDAO.</summary>
    public UInt256 PrevRandao { get; init; }
    /// <summary>EIP-4844 excess blob gas (determines the blob base fee).</summary>
    public ulong ExcessBlobGas { get; init; }
    public UInt256 ChainId { get; init; } = UInt256.One;
    public IBlockHashProvider? BlockHashes { get; init; }

    /// <summary>EIP-4844: MIN_BLOB_BASE_FEE.</summary>
    public const ulong MinBlobBaseFee = 1;
    /// <summary>EIP-4844 (Cancun): BLOB_BASE_FEE_UPDATE_FRACTION.</summary>
    public const ulong BlobBaseFeeUpdateFraction = 3338477;

    /// <summary>EIP-4844: fake_exponential(MIN_BLOB_BASE_FEE, excess_blob_gas, BLOB_BASE_FEE_UPDATE_FRACTION).</summary>
    public UInt256 BlobBaseFee => FakeExponential(MinBlobBaseFee, ExcessBlobGas, BlobBaseFeeUpdateFraction);

    /// <summary>EIP-4844's integer approximation of factor · e^(numerator / denominator).</summary>
    public static UInt256 FakeExponential(ulong factor, ulong numerator, ulong denominator)
    {
        System.Numerics.BigInteger i = 1, output = 0, acc = (System.Numerics.BigInteger)factor * denominator;
        while (acc > 0)
        {
            output += acc;
            acc = acc * numerator / (denominator * i);
            i++;
        }
        return UInt256.FromBigInteger(output / denominator);
    }

    /// <summary>The interpreter's view of this block.</summary>
    public BlockContext ToContext() => new()
    {
        Coinbase = Coinbase,
        Number = Number,
        Timestamp = Timestamp,
        GasLimit = GasLimit,
        BaseFee = BaseFee,
        PrevRandao = PrevRandao,
        ChainId = ChainId,
        BlobBaseFee = BlobBaseFee,
        BlockHashes = BlockHashes,
    };
}
