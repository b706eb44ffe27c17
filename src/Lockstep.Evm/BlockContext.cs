using Lockstep.Primitives;

namespace Lockstep.Evm;

/// <summary>Answers BLOCKHASH for the 256 blocks before the current one.</summary>
public interface IBlockHashProvider
{
    /// <summary>The hash of block <paramref name="number"/> (the caller has checked the 256-block window).</summary>
    Hash256 GetBlockHash(ulong number);
}

/// <summary>The block values opcodes read (COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, BASEFEE, BLOBBASEFEE).</summary>
public sealed class BlockContext
{
    public Address Coinbase { get; init; }
    public ulong Number { get; init; }
    public ulong Timestamp { get; init; }
    public long GasLimit { get; init; }
    public UInt256 BaseFee { get; init; }
    /// <summary>EIP-4399: PREVRANDAO (the DIFFICULTY opcode slot).</summary>
    public UInt256 PrevRandao { get; init; }
    public UInt256 ChainId { get; init; } = UInt256.One;
    /// <summary>EIP-7516 / EIP-4844: blob base fee of this block.</summary>
    public UInt256 BlobBaseFee { get; init; } = UInt256.One;
    public IBlockHashProvider? BlockHashes { get; init; }
}

/// <summary>The transaction values opcodes read (ORIGIN, GASPRICE, BLOBHASH).</summary>
public sealed class TxContext
{
    public Address Origin { get; set; }
    /// <summary>The effective gas price the sender pays per gas.</summary>
    public UInt256 GasPrice { get; set; }
    /// <summary>EIP-4844 versioned hashes (empty for other transaction types).</summary>
    public Hash256[] BlobHashes { get; set; } = [];
}
