using Lockstep.Primitives;

namespace Lockstep.Settlement;

/// <summary>The receipt of a mined L1 transaction, reduced to what settlement reads.</summary>
/// <param name="TransactionHash">Hash of the transaction.</param>
/// <param name="BlockNumber">L1 block that includes it.</param>
/// <param name="Succeeded">Status 1 (EIP-658).</param>
/// <param name="GasUsed">Gas used by the transaction.</param>
/// <param name="EffectiveGasPrice">Price per gas actually paid.</param>
/// <param name="Logs">Its logs, in order.</param>
public sealed record L1Receipt(Hash256 TransactionHash, ulong BlockNumber, bool Succeeded, ulong GasUsed, UInt256 EffectiveGasPrice, IReadOnlyList<L1Log> Logs);

/// <summary>One L1 log.</summary>
/// <param name="Address">Emitting contract.</param>
/// <param name="Topics">Indexed topics (topic 0 = event signature hash).</param>
/// <param name="Data">Non-indexed data.</param>
/// <param name="BlockNumber">Block of the log.</param>
/// <param name="TransactionHash">Transaction that emitted it.</param>
public sealed record L1Log(Address Address, IReadOnlyList<Hash256> Topics, byte[] Data, ulong BlockNumber, Hash256 TransactionHash);

/// <summary>EIP-1559 fee data of the L1's next block.</summary>
/// <param name="BaseFee">Base fee of the latest block (the next one is at most 12.5% higher).</param>
/// <param name="PriorityFee">Suggested tip (<c>eth_maxPriorityFeePerGas</c>).</param>
public readonly record struct L1FeeData(UInt256 BaseFee, UInt256 PriorityFee);

/// <summary>An L1 call or send failed at the node (transport error, JSON-RPC error, revert).</summary>
public sealed class L1Exception(string message, string? data = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The JSON-RPC error's <c>data</c> (revert bytes as hex), when there was one.</summary>
    public string? RevertData { get; } = data;
}

/// <summary>
/// What the batch poster (and later the verifier and the deposit deriver) needs from an L1 node. One implementation,
/// <see cref="JsonRpcL1Client"/>, speaks standard JSON-RPC, so anvil, any Ethereum node and the
/// embedded L1 are all reached the same way.
/// </summary>
public interface IL1Client
{
    /// <summary><c>eth_chainId</c>.</summary>
    Task<ulong> GetChainIdAsync(CancellationToken cancel = default);

    /// <summary><c>eth_blockNumber</c>.</summary>
    Task<ulong> GetBlockNumberAsync(CancellationToken cancel = default);

    /// <summary><c>eth_getTransactionCount</c> at <paramref name="block"/> ("latest" or "pending").</summary>
    Task<ulong> GetNonceAsync(Address account, string block = "latest", CancellationToken cancel = default);

    /// <summary>Base fee of the latest block and the suggested priority fee.</summary>
    Task<L1FeeData> GetFeeDataAsync(CancellationToken cancel = default);

    /// <summary><c>eth_sendRawTransaction</c>: the transaction hash.</summary>
    Task<Hash256> SendRawTransactionAsync(byte[] raw, CancellationToken cancel = default);

    /// <summary><c>eth_getTransactionReceipt</c>: null while not mined.</summary>
    Task<L1Receipt?> GetReceiptAsync(Hash256 txHash, CancellationToken cancel = default);

    /// <summary><c>eth_call</c> at latest; a revert throws <see cref="L1Exception"/> with the revert data.</summary>
    Task<byte[]> CallAsync(Address to, byte[] data, Address? from = null, CancellationToken cancel = default);

    /// <summary><c>eth_estimateGas</c>; a revert throws <see cref="L1Exception"/>.</summary>
    Task<ulong> EstimateGasAsync(Address from, Address to, byte[] data, CancellationToken cancel = default);

    /// <summary>
    /// Number of the block the node tags <paramref name="tag"/> (<c>"safe"</c>, <c>"finalized"</c>: the L1's own
    /// finality); null when it has none yet.
    /// </summary>
    Task<ulong?> GetTaggedBlockNumberAsync(string tag, CancellationToken cancel = default);

    /// <summary>Hash of the canonical L1 block at <paramref name="number"/>; null when the chain is shorter (a reorg can change it).</summary>
    Task<Hash256?> GetBlockHashAsync(ulong number, CancellationToken cancel = default);

    /// <summary><c>eth_getLogs</c> of <paramref name="address"/> in [from, to], optionally filtered by topic 0.</summary>
    Task<IReadOnlyList<L1Log>> GetLogsAsync(Address address, ulong fromBlock, ulong toBlock, Hash256? topic0 = null, CancellationToken cancel = default);
}
