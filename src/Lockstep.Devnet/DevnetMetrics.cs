using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Lockstep.Node;
using Lockstep.Sequencer;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet's Prometheus metrics, written by hand in the text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/). Only what exists is exported: superblock build
/// time, superblocks, transactions per rollup, bundle outcomes, pool sizes, RPC latency by method, L1 posting lag
/// (seconds from sealing a superblock to its superbatch's L1 receipt; superblocks sealed but not yet on L1) and
/// verifier verdicts (counted through <see cref="OnVerifierVerdict"/>, the verifier's hook).
/// </summary>
public sealed class DevnetMetrics
{
    /// <summary>Upper bounds (seconds) of the superblock build-time buckets.</summary>
    public static readonly double[] BuildBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>Upper bounds (seconds) of the L1 posting lag buckets (a devnet posts every few seconds; a real L1 in minutes).</summary>
    public static readonly double[] PostingBuckets = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

    /// <summary>Upper bounds (seconds) of the RPC latency buckets.</summary>
    public static readonly double[] RpcBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private readonly Histogram _build = new(BuildBuckets);
    private long _superblocks;
    private readonly ConcurrentDictionary<ulong, long[]> _transactions = new(); // chain id -> [user, system]
    private readonly long[] _bundles = new long[4]; // by BundleOutcome
    private readonly ConcurrentDictionary<(string Rollup, string Method), Histogram> _rpc = new();
    private readonly Func<IReadOnlyList<DevnetRollup>> _rollups;
    private readonly Histogram _postingLag = new(PostingBuckets);
    private readonly ConcurrentDictionary<ulong, long> _sealedAt = new(); // superblock height -> Stopwatch timestamp, until posted
    private long _superbatchesPosted;
    private readonly ConcurrentDictionary<string, long> _verdicts = new();

    /// <summary>Superblocks sealed but not yet in a superbatch on L1 (sampled at every scrape); null without an L1.</summary>
    public Func<ulong>? UnpostedSuperblocks { get; set; }

    /// <summary>Sealing moments kept for the L1 posting lag: superblocks sealed and not yet posted (bounded by the L1 lag).</summary>
    public int TrackedUnposted => _sealedAt.Count;

    /// <summary>Metrics of the rollups <paramref name="rollups"/> returns (read at every scrape: pool sizes are sampled then).</summary>
    public DevnetMetrics(Func<IReadOnlyList<DevnetRollup>> rollups) => _rollups = rollups;

    /// <summary>Counts one sealed superblock (call from <see cref="SharedSequencer.SuperblockSealed"/>).</summary>
    public void OnSuperblock(Superblock sb, TimeSpan buildTime)
    {
        _build.Observe(buildTime.TotalSeconds);
        Interlocked.Increment(ref _superblocks);
        if (UnpostedSuperblocks is not null) _sealedAt[sb.Height] = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (RollupBlock b in sb.Blocks)
        {
            long[] counts = _transactions.GetOrAdd(b.ChainId, _ => new long[2]);
            int system = 0;
            var txs = b.Built.Block.Transactions;
            for (int i = 0; i < txs.Count; i++)
                if (txs[i].Type == Lockstep.Transactions.TxType.System) system++;
            Interlocked.Add(ref counts[0], txs.Count - system);
            Interlocked.Add(ref counts[1], system);
        }
        foreach (BundleReport r in sb.Bundles) Interlocked.Increment(ref _bundles[(int)r.Outcome]);
    }

    /// <summary>
    /// Counts a superbatch the poster landed on L1 covering superblocks <paramref name="firstHeight"/>..<paramref name="lastHeight"/>:
    /// the lag observed is the age of its oldest superblock (the longest any of them waited).
    /// </summary>
    public void OnPosted(ulong firstHeight, ulong lastHeight)
    {
        Interlocked.Increment(ref _superbatchesPosted);
        if (_sealedAt.TryGetValue(firstHeight, out long sealedAt))
            _postingLag.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(sealedAt).TotalSeconds);
        foreach (ulong h in _sealedAt.Keys)
            if (h <= lastHeight) _sealedAt.TryRemove(h, out _);
    }

    /// <summary>The verifier's hook: counts one verdict on a superbatch (e.g. <c>valid</c>, <c>invalid</c>; any label).</summary>
    public void OnVerifierVerdict(string verdict) => _verdicts.AddOrUpdate(verdict, 1, (_, n) => n + 1);

    /// <summary>Records one served call of <paramref name="method"/> on <paramref name="rollup"/>.</summary>
    public void ObserveRpc(string rollup, string method, TimeSpan elapsed) =>
        _rpc.GetOrAdd((rollup, method), _ => new Histogram(RpcBuckets)).Observe(elapsed.TotalSeconds);

    /// <summary>The current values in Prometheus text format 0.0.4.</summary>
    public string Render()
    {
        var s = new StringBuilder(4096);
        s.Append("# HELP lockstep_superblock_build_seconds Wall time to select, execute and commit one superblock.\n");
        s.Append("# TYPE lockstep_superblock_build_seconds histogram\n");
        _build.Write(s, "lockstep_superblock_build_seconds", "");

        s.Append("# HELP lockstep_superblocks_total Superblocks sealed since start.\n");
        s.Append("# TYPE lockstep_superblocks_total counter\n");
        s.Append("lockstep_superblocks_total ").Append(Interlocked.Read(ref _superblocks)).Append('\n');

        s.Append("# HELP lockstep_transactions_total Transactions in sealed blocks, by rollup and kind (user, or system: cross-rollup deliveries).\n");
        s.Append("# TYPE lockstep_transactions_total counter\n");
        IReadOnlyList<DevnetRollup> rollups = _rollups();
        foreach ((string name, RollupChain c, _) in rollups)
        {
            long[] counts = _transactions.GetOrAdd(c.ChainId, _ => new long[2]);
            s.Append("lockstep_transactions_total{").Append(RollupLabels(name, c.ChainId)).Append(",kind=\"user\"} ").Append(Interlocked.Read(ref counts[0])).Append('\n');
            s.Append("lockstep_transactions_total{").Append(RollupLabels(name, c.ChainId)).Append(",kind=\"system\"} ").Append(Interlocked.Read(ref counts[1])).Append('\n');
        }

        s.Append("# HELP lockstep_bundles_total User transactions by outcome: included, included_reverted, rejected (a leg failed), invalid.\n");
        s.Append("# TYPE lockstep_bundles_total counter\n");
        string[] outcomes = ["included", "included_reverted", "rejected", "invalid"];
        for (int i = 0; i < outcomes.Length; i++)
            s.Append("lockstep_bundles_total{outcome=\"").Append(outcomes[i]).Append("\"} ").Append(Interlocked.Read(ref _bundles[i])).Append('\n');

        s.Append("# HELP lockstep_pool_transactions Transactions waiting in a rollup's pool (pending: executable now; queued: nonce gap).\n");
        s.Append("# TYPE lockstep_pool_transactions gauge\n");
        foreach ((string name, RollupChain c, _) in rollups)
        {
            s.Append("lockstep_pool_transactions{").Append(RollupLabels(name, c.ChainId)).Append(",state=\"pending\"} ").Append(c.Pool.PendingCount).Append('\n');
            s.Append("lockstep_pool_transactions{").Append(RollupLabels(name, c.ChainId)).Append(",state=\"queued\"} ").Append(c.Pool.QueuedCount).Append('\n');
        }

        s.Append("# HELP lockstep_l1_posting_lag_seconds Seconds from sealing a superblock to the L1 receipt of the superbatch holding it (its oldest superblock).\n");
        s.Append("# TYPE lockstep_l1_posting_lag_seconds histogram\n");
        _postingLag.Write(s, "lockstep_l1_posting_lag_seconds", "");
        s.Append("# HELP lockstep_l1_superbatches_posted_total Superbatches the batch poster landed on L1 since start.\n");
        s.Append("# TYPE lockstep_l1_superbatches_posted_total counter\n");
        s.Append("lockstep_l1_superbatches_posted_total ").Append(Interlocked.Read(ref _superbatchesPosted)).Append('\n');
        if (UnpostedSuperblocks is { } unposted)
        {
            s.Append("# HELP lockstep_l1_unposted_superblocks Superblocks sealed but not yet in a superbatch on L1.\n");
            s.Append("# TYPE lockstep_l1_unposted_superblocks gauge\n");
            s.Append("lockstep_l1_unposted_superblocks ").Append(unposted()).Append('\n');
        }
        s.Append("# HELP lockstep_verifier_verdicts_total Verdicts of the verifier on superbatches, by verdict.\n");
        s.Append("# TYPE lockstep_verifier_verdicts_total counter\n");
        var verdicts = new List<string>(_verdicts.Keys);
        verdicts.Sort(StringComparer.Ordinal);
        foreach (string v in verdicts)
            s.Append("lockstep_verifier_verdicts_total{verdict=\"").Append(Escape(v)).Append("\"} ").Append(_verdicts[v]).Append('\n');

        s.Append("# HELP lockstep_rpc_request_duration_seconds Time to serve one JSON-RPC call, by rollup and method.\n");
        s.Append("# TYPE lockstep_rpc_request_duration_seconds histogram\n");
        var keys = new List<(string Rollup, string Method)>(_rpc.Keys);
        keys.Sort();
        foreach ((string rollup, string method) in keys)
            _rpc[(rollup, method)].Write(s, "lockstep_rpc_request_duration_seconds", $"rollup=\"{Escape(rollup)}\",method=\"{Escape(method)}\"");
        return s.ToString();
    }

    private static string RollupLabels(string name, ulong chainId) =>
        $"rollup=\"{Escape(name)}\",chain_id=\"{chainId.ToString(CultureInfo.InvariantCulture)}\"";

    // Label values escape backslash, double quote and newline (exposition format 0.0.4).
    private static string Escape(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string Number(double v) => double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A cumulative histogram (Prometheus <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    private sealed class Histogram(double[] bounds)
    {
        private readonly long[] _counts = new long[bounds.Length + 1]; // last: above every bound
        private readonly Lock _lock = new();
        private double _sum;
        private long _count;

        public void Observe(double seconds)
        {
            int i = 0;
            while (i < bounds.Length && seconds > bounds[i]) i++;
            lock (_lock)
            {
                _counts[i]++;
                _sum += seconds;
                _count++;
            }
        }

        public void Write(StringBuilder s, string name, string labels)
        {
            long[] counts;
            double sum;
            long count;
            lock (_lock)
            {
                counts = (long[])_counts.Clone();
                sum = _sum;
                count = _count;
            }
            string sep = labels.Length == 0 ? "" : ",";
            long cumulative = 0;
            for (int i = 0; i <= bounds.Length; i++)
            {
                cumulative += counts[i];
                string le = i < bounds.Length ? Number(bounds[i]) : "+Inf";
                s.Append(name).Append("_bucket{").Append(labels).Append(sep).Append("le=\"").Append(le).Append("\"} ").Append(cumulative).Append('\n');
            }
            string braces = labels.Length == 0 ? "" : "{" + labels + "}";
            s.Append(name).Append("_sum").Append(braces).Append(' ').Append(Number(sum)).Append('\n');
            s.Append(name).Append("_count").Append(braces).Append(' ').Append(count).Append('\n');
        }
    }
}
