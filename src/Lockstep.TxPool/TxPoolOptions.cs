using Lockstep.Primitives;

namespace Lockstep.TxPool;

/// <summary>
/// Limits and price rules of one chain's <see cref="TransactionPool"/>. The defaults suit a dev chain; every value
/// is settable. See README.md in this folder for what each rule means to a wallet.
/// </summary>
public sealed class TxPoolOptions
{
    /// <summary>The chain every transaction must sign for (EIP-155 v for legacy, the chainId field for typed ones).</summary>
    public ulong ChainId { get; init; }

    /// <summary>Largest accepted EIP-2718 encoding in bytes (go-ethereum's txMaxSize, 4 slots of 32 KiB).</summary>
    public int MaxTransactionBytes { get; init; } = 128 * 1024;

    /// <summary>Most transactions one sender may hold in the pool, pending and queued together.</summary>
    public int MaxPerSender { get; init; } = 64;

    /// <summary>Most transactions in the pool; past it the cheapest tail transactions are evicted (see README).</summary>
    public int MaxTotal { get; init; } = 20_000;

    /// <summary>
    /// How far past the sender's pending nonce (state nonce plus its executable transactions) a future nonce may be
    /// and still be queued. 0 accepts only immediately executable transactions.
    /// </summary>
    public ulong MaxNonceGap { get; init; } = 64;

    /// <summary>Minimum tip cap (maxPriorityFeePerGas, or gasPrice for legacy) in wei; 0 for a dev chain.</summary>
    public UInt256 MinPriorityFee { get; init; }

    /// <summary>A replacement (same sender and nonce) must raise both the fee cap and the tip cap by this percentage.</summary>
    public int PriceBumpPercent { get; init; } = 10;

    /// <summary>A transaction whose gas limit exceeds a block's can never be included and is refused.</summary>
    public ulong BlockGasLimit { get; init; } = 30_000_000;

    /// <summary>A rollup carries no blob sidecars, so EIP-4844 transactions (type 3) are refused unless this is set.</summary>
    public bool AllowBlobTransactions { get; init; }

    /// <summary>
    /// Accept legacy transactions without EIP-155 replay protection (v = 27/28). Off by default: every rollup of a
    /// shared-sequencer set funds the same dev accounts, so an unprotected transaction could be replayed on all of them.
    /// </summary>
    public bool AllowUnprotectedTransactions { get; init; }
}
