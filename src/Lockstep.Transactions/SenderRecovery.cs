using Lockstep.Primitives;

namespace Lockstep.Transactions;

/// <summary>
/// Sender recovery for many transactions at once (a block, a mempool batch), spread over cores: recovery is
/// the dominant cost of admitting a transaction, and <see cref="Crypto.Ecdsa"/> keeps one native context per
/// thread, so it scales with cores without locks.
/// </summary>
public static class SenderRecovery
{
    /// <summary>Below this many transactions the work stays on the calling thread (scheduling costs more than it saves).</summary>
    public const int ParallelThreshold = 16;

    /// <summary>
    /// Recovers every sender under the rules of <see cref="Transaction.TryRecoverSender"/>. On return
    /// <paramref name="errors"/>[i] is <see cref="TransactionError.None"/> and <paramref name="senders"/>[i] the sender,
    /// or the reason and the zero address.
    /// </summary>
    /// <param name="transactions">The transactions.</param>
    /// <param name="chainId">The chain every transaction must commit to (unprotected legacy ones excepted).</param>
    /// <param name="senders">Output, at least as long as <paramref name="transactions"/>.</param>
    /// <param name="errors">Output, at least as long as <paramref name="transactions"/>.</param>
    /// <param name="maxDegreeOfParallelism">-1 for all cores.</param>
    public static void RecoverAll(IReadOnlyList<Transaction> transactions, ulong chainId, Address[] senders, TransactionError[] errors, int maxDegreeOfParallelism = -1)
    {
        int n = transactions.Count;
        if (senders.Length < n || errors.Length < n) throw new ArgumentException("output arrays are shorter than the input");
        if (n < ParallelThreshold || maxDegreeOfParallelism == 1)
        {
            for (int i = 0; i < n; i++) RecoverOne(transactions, chainId, senders, errors, i);
            return;
        }
        // Contiguous ranges rather than per-item scheduling: every item costs about the same.
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        int chunk = Math.Max(4, n / (Environment.ProcessorCount * 4));
        Parallel.For(0, (n + chunk - 1) / chunk, options, c =>
        {
            int end = Math.Min(n, (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++) RecoverOne(transactions, chainId, senders, errors, i);
        });
    }

    private static void RecoverOne(IReadOnlyList<Transaction> transactions, ulong chainId, Address[] senders, TransactionError[] errors, int i)
    {
        transactions[i].TryRecoverSender(chainId, out senders[i], out errors[i]);
    }
}
