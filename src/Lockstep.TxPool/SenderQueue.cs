using Lockstep.Primitives;

namespace Lockstep.TxPool;

/// <summary>
/// One sender's transactions in nonce order plus what the pool knows of its account at the head. Its first
/// <see cref="PendingCount"/> entries are executable (nonces StateNonce, StateNonce+1, ... without a gap); the rest
/// are queued behind a gap. Only touched under the pool lock.
/// </summary>
internal sealed class SenderQueue(Address sender)
{
    public Address Sender { get; } = sender;

    /// <summary>By nonce; every key is at least <see cref="StateNonce"/>.</summary>
    public SortedList<ulong, PooledTransaction> Txs { get; } = new();

    public ulong StateNonce;
    public UInt256 Balance;
    public bool HasCode;

    /// <summary>Sum of <see cref="PooledTransaction.MaxCost"/> over <see cref="Txs"/>; never above <see cref="Balance"/> after an admission.</summary>
    public UInt256 TotalCost;

    /// <summary>Length of the gap-free run of nonces starting at <see cref="StateNonce"/>.</summary>
    public int PendingCount;

    /// <summary>The nonce a new executable transaction of this sender must carry.</summary>
    public ulong PendingNonce => StateNonce + (ulong)PendingCount;

    public int QueuedCount => Txs.Count - PendingCount;

    /// <summary>Recomputes <see cref="PendingCount"/>; returns the change so the pool can keep its total.</summary>
    public int Recount()
    {
        IList<ulong> nonces = Txs.Keys;
        int run = 0;
        while (run < nonces.Count && nonces[run] == StateNonce + (ulong)run) run++;
        int delta = run - PendingCount;
        PendingCount = run;
        return delta;
    }

    public void Insert(PooledTransaction tx)
    {
        Txs.Add(tx.Nonce, tx);
        TotalCost += tx.MaxCost; // cannot overflow: admission checked TotalCost + cost <= Balance
    }

    public void RemoveAt(int index)
    {
        TotalCost -= Txs.Values[index].MaxCost;
        Txs.RemoveAt(index);
    }

    public bool Remove(PooledTransaction tx)
    {
        int index = Txs.IndexOfKey(tx.Nonce);
        if (index < 0 || !ReferenceEquals(Txs.Values[index], tx)) return false;
        RemoveAt(index);
        return true;
    }
}
