using Lockstep.Primitives;
using Lockstep.Transactions;

namespace Lockstep.TxPool;

/// <summary>A transaction the pool accepted, with what the pool learned while validating it. Immutable.</summary>
public sealed class PooledTransaction
{
    internal PooledTransaction(Transaction transaction, Hash256 hash, Address sender, byte[] raw, long arrivalSequence, UInt256 maxCost)
    {
        Transaction = transaction;
        Hash = hash;
        Sender = sender;
        Raw = raw;
        ArrivalSequence = arrivalSequence;
        MaxCost = maxCost;
        ReceivedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The decoded transaction.</summary>
    public Transaction Transaction { get; }

    /// <summary>keccak256 of <see cref="Raw"/>.</summary>
    public Hash256 Hash { get; }

    /// <summary>The recovered sender.</summary>
    public Address Sender { get; }

    /// <summary>The canonical EIP-2718 encoding (what eth_getRawTransactionByHash returns and batches carry).</summary>
    public byte[] Raw { get; }

    /// <summary>Order of acceptance in this pool, strictly increasing: the tie-break between equal tips.</summary>
    public long ArrivalSequence { get; }

    /// <summary>When the pool accepted it (UTC).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The most the sender can pay: value + gasLimit * fee cap (+ blob gas * max blob fee for type 3).</summary>
    public UInt256 MaxCost { get; }

    /// <summary>The sender nonce.</summary>
    public ulong Nonce => Transaction.Nonce;

    /// <summary>The gas limit.</summary>
    public ulong GasLimit => Transaction.GasLimit;

    /// <summary>
    /// The tip per gas the block producer earns at <paramref name="baseFee"/>: <c>min(tipCap, feeCap - baseFee)</c>.
    /// False when the fee cap is below the base fee (the transaction cannot be included in such a block).
    /// </summary>
    public bool TryGetEffectiveTip(in UInt256 baseFee, out UInt256 tip) => Transaction.TryGetEffectiveTipOf(baseFee, out tip);

    /// <inheritdoc />
    public override string ToString() => $"{Hash} from {Sender} nonce {Nonce}";
}
