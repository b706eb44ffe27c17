using System.Globalization;
using Lockstep.Node;

namespace Lockstep.Workload;

/// <summary>
/// What a running devnet keeps in memory per pending item, sampled at the end of a soak round (issue 8: nothing may
/// grow without bound). Each count is bounded by what is pending now (held transactions, unposted superblocks), not
/// by what was ever processed; the soaks print it every round and the short one asserts the bounds.
/// </summary>
/// <param name="PooledTransactions">Transactions in the rollups' pools (all rollups).</param>
/// <param name="JournalTransactions">Pooled transactions the pool journals track (equal to the pooled ones when quiet).</param>
/// <param name="JournalRecords">Journal records still holding a pooled transaction.</param>
/// <param name="JournalEarlyRemovals">Removals the journals keep while waiting for their append.</param>
/// <param name="AdmissionSenders">Senders in the builder protection's table (only those with recent rejections).</param>
/// <param name="L1Postings">Postings the bench's <see cref="L1Tracker"/> keeps.</param>
/// <param name="UnpostedSealMoments">Sealing moments the metrics keep for superblocks not yet on the L1.</param>
/// <param name="CachedBlocks">Blocks in the block caches (rollups, embedded L1, the verifier's replicas).</param>
/// <param name="CachedBlockBytes">Their estimated bytes.</param>
public sealed record RetainedState(
    int PooledTransactions,
    int JournalTransactions,
    int JournalRecords,
    int JournalEarlyRemovals,
    int AdmissionSenders,
    int L1Postings,
    int UnpostedSealMoments,
    int CachedBlocks,
    long CachedBlockBytes)
{
    /// <summary>Samples <paramref name="devnet"/> (and <paramref name="l1"/>, when the bench tracks postings).</summary>
    public static RetainedState Of(Devnet.Devnet devnet, L1Tracker? l1)
    {
        ArgumentNullException.ThrowIfNull(devnet);
        int pooled = 0, journaled = 0, records = 0, early = 0, blocks = 0;
        long bytes = 0;
        foreach (RollupChain chain in devnet.Sequencer.Chains)
        {
            pooled += chain.Pool.Count;
            (int t, int r, int e) = chain.Journal.Live;
            journaled += t;
            records += r;
            early += e;
        }
        foreach (RollupChain chain in BlockCaches(devnet))
        {
            blocks += chain.CachedBlockCount;
            bytes += chain.CachedBlockBytes;
        }
        return new RetainedState(pooled, journaled, records, early, devnet.Admission?.TrackedSenders ?? 0, l1?.Count ?? 0,
            devnet.Metrics.TrackedUnposted, blocks, bytes);
    }

    /// <summary>
    /// Every chain in the process with a block cache: the rollups, the embedded L1 and the verifier's replicas of the
    /// rollups (each cache is bounded in blocks and estimated bytes, <see cref="RollupChain.BlockCacheByteLimit"/>).
    /// </summary>
    public static List<RollupChain> BlockCaches(Devnet.Devnet devnet)
    {
        ArgumentNullException.ThrowIfNull(devnet);
        var chains = new List<RollupChain>(devnet.Sequencer.Chains);
        if (devnet.L1 is { } l1) chains.Add(l1.Chain);
        if (devnet.Verifier is { } verifier) chains.AddRange(verifier.Chains);
        return chains;
    }

    /// <summary>One line for the soak's round output.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"retained: pool {PooledTransactions}, journal {JournalTransactions} txs/{JournalRecords} records/{JournalEarlyRemovals} early, admission {AdmissionSenders} senders, "
        + $"L1 tracker {L1Postings} postings, unposted seal times {UnpostedSealMoments}, block caches {CachedBlocks} blocks/{CachedBlockBytes / 1048576.0:0.0} MB");
}
