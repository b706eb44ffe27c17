using System.Diagnostics;
using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Workload;

/// <summary>How the <see cref="LoadDriver"/> submits.</summary>
public sealed class LoadOptions
{
    /// <summary>Concurrent submitters (each its own keep-alive connection), spread over the endpoints.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Transactions per JSON-RPC request: 1 sends one <c>eth_sendRawTransaction</c> per request, like a wallet.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Longest wait for inclusion (and L1 posting) after the last submission.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Wait for every included height to be posted on the L1 (needs an <see cref="L1Tracker"/>).</summary>
    public bool WaitForL1 { get; init; } = true;

    /// <summary>Progress of sending, waiting for receipts and waiting for L1 (<see cref="IBenchProgress.None"/>: none).</summary>
    public IBenchProgress Progress { get; init; } = IBenchProgress.None;
}

/// <summary>What happened to the load.</summary>
public sealed class LoadReport
{
    /// <summary>Honest transactions sent.</summary>
    public int Sent { get; init; }
    /// <summary>Honest transactions the node acknowledged (a hash back, no error).</summary>
    public int Acknowledged { get; init; }
    /// <summary>Acknowledged honest transactions seen in a block.</summary>
    public int Included { get; init; }
    /// <summary>Acknowledged honest transactions never seen in a block before the timeout.</summary>
    public IReadOnlyList<Hash256> Missing { get; init; } = [];
    /// <summary>First few submission errors.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
    /// <summary>From the first submission to the last honest inclusion.</summary>
    public TimeSpan Duration { get; init; }
    /// <summary>From the first to the last submission.</summary>
    public TimeSpan SubmitDuration { get; init; }
    /// <summary>Included honest transactions per second over <see cref="Duration"/>.</summary>
    public double TxPerSecond => Duration.TotalSeconds > 0 ? Included / Duration.TotalSeconds : 0;
    /// <summary>Submit to block seen, milliseconds: p50.</summary>
    public double ReceiptP50Ms { get; init; }
    /// <summary>Submit to block seen, milliseconds: p99.</summary>
    public double ReceiptP99Ms { get; init; }
    /// <summary>Submit to posted on the L1, milliseconds: p50 (NaN without an L1).</summary>
    public double L1P50Ms { get; init; } = double.NaN;
    /// <summary>Submit to posted on the L1, milliseconds: p99 (NaN without an L1).</summary>
    public double L1P99Ms { get; init; } = double.NaN;
    /// <summary>Included honest transactions whose height was not posted before the timeout.</summary>
    public int NotOnL1 { get; init; }
    /// <summary>Failing transactions sent (attempts, retries not counted).</summary>
    public int FailingSent { get; init; }
    /// <summary>Failing transactions acknowledged by the pool.</summary>
    public int FailingAcknowledged { get; init; }
    /// <summary>Acknowledged failing transactions with status <c>rejected</c>.</summary>
    public int FailingRejected { get; init; }
    /// <summary>Acknowledged failing transactions still pending (held back by the builder protection) at the end.</summary>
    public IReadOnlyList<(int Rollup, Hash256 Hash)> FailingUnresolved { get; init; } = [];
    /// <summary>Acknowledged failing transactions included (should not happen: their action reverts).</summary>
    public int FailingIncluded { get; init; }
    /// <summary>Every acknowledged honest transaction (rollup index, hash): what the invariant checker looks for.</summary>
    public IReadOnlyList<(int Rollup, Hash256 Hash)> AcknowledgedHonest { get; init; } = [];
    /// <summary>Every acknowledged failing transaction (rollup index, hash).</summary>
    public IReadOnlyList<(int Rollup, Hash256 Hash)> AcknowledgedFailing { get; init; } = [];
}

/// <summary>
/// Drives prepared transactions into one or more chains over JSON-RPC: honest ones from
/// <see cref="LoadOptions.Concurrency"/> submitters (submitter w serves endpoint w mod N and a fixed share of the
/// senders, each sender's transactions in nonce order), failing ones from one lane
/// per adversary (send, wait until <c>lockstep_getMessageStatus</c> says it is resolved, send the next at the same
/// nonce). Inclusion times come from a <see cref="BlockWatcher"/> per chain, L1 times from an <see cref="L1Tracker"/>.
/// </summary>
public static class LoadDriver
{
    private const int KeptErrors = 5;

    /// <summary>Runs <paramref name="workload"/> against <paramref name="endpoints"/> (index = rollup index of the transactions).</summary>
    public static async Task<LoadReport> RunAsync(IReadOnlyList<Uri> endpoints, Workload workload, LoadOptions options, L1Tracker? l1 = null,
        CancellationToken cancel = default)
    {
        int n = endpoints.Count;
        int perEndpoint = Math.Max(1, options.Concurrency / n);
        var clients = new RpcClient[n];
        var watchers = new BlockWatcher[n];
        for (int r = 0; r < n; r++) clients[r] = new RpcClient(endpoints[r], perEndpoint + 4);
        try
        {
            ulong firstWatched = ulong.MaxValue;
            for (int r = 0; r < n; r++)
            {
                ulong head = RpcClient.Quantity(await clients[r].CallAsync("eth_blockNumber", "[]", cancel).ConfigureAwait(false));
                watchers[r] = new BlockWatcher(clients[r], head);
                firstWatched = Math.Min(firstWatched, head + 1);
            }
            // Postings below the first block this run watches are no longer looked up: a soak's tracker stays small.
            l1?.ForgetBelow(firstWatched);

            // Each sender's transactions on a rollup go through one submitter, in nonce order: a node then never sees
            // a nonce gap (anvil's automine leaves out-of-order transactions unmined), and concurrency is across senders.
            var queues = new List<int>[perEndpoint * n];
            for (int w = 0; w < queues.Length; w++) queues[w] = new List<int>();
            for (int i = 0; i < workload.Honest.Count; i++)
            {
                PreparedTransaction tx = workload.Honest[i];
                int lane = (int)((uint)tx.Sender.GetHashCode() % (uint)perEndpoint);
                queues[lane * n + tx.Rollup].Add(i);
            }
            var submittedAt = new long[workload.Honest.Count];
            var acked = new bool[workload.Honest.Count];
            var errors = new List<string>();
            int errorCount = 0;
            long started = Stopwatch.GetTimestamp();

            using var honestDone = new CancellationTokenSource();
            Task<LaneResult>[] lanes = new Task<LaneResult>[workload.FailingLanes.Count];
            for (int a = 0; a < lanes.Length; a++)
            {
                IReadOnlyList<PreparedTransaction> lane = workload.FailingLanes[a];
                lanes[a] = lane.Count == 0 ? Task.FromResult(new LaneResult()) : RunLaneAsync(clients[lane[0].Rollup], lane, honestDone.Token);
            }

            IBenchStage sending = options.Progress.Begin("sending", workload.Honest.Count);
            int answered = 0;
            var submitters = new Task[perEndpoint * n];
            for (int w = 0; w < submitters.Length; w++)
            {
                int r = w % n;
                List<int> queue = queues[w];
                int next = 0;
                submitters[w] = Task.Run(async () =>
                {
                    var batch = new List<int>(options.Batch);
                    var parameters = new List<string>(options.Batch);
                    while (true)
                    {
                        batch.Clear();
                        parameters.Clear();
                        for (int b = 0; b < options.Batch; b++)
                        {
                            if (next >= queue.Count) break;
                            int k = queue[next++];
                            batch.Add(k);
                            parameters.Add("[\"" + workload.Honest[k].RawHex + "\"]");
                        }
                        if (batch.Count == 0) return;
                        long t = Stopwatch.GetTimestamp();
                        foreach (int i in batch) submittedAt[i] = t;
                        RpcAnswer[] answers;
                        try
                        {
                            answers = batch.Count == 1 && options.Batch == 1
                                ? [await clients[r].CallRawAsync("eth_sendRawTransaction", parameters[0], cancel).ConfigureAwait(false)]
                                : await clients[r].BatchAsync("eth_sendRawTransaction", parameters, cancel).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancel.IsCancellationRequested)
                        {
                            answers = new RpcAnswer[batch.Count];
                            for (int b = 0; b < answers.Length; b++) answers[b] = new RpcAnswer(default, e.Message);
                        }
                        sending.Report(Interlocked.Add(ref answered, batch.Count));
                        for (int b = 0; b < batch.Count; b++)
                        {
                            if (answers[b].Ok) { acked[batch[b]] = true; continue; }
                            lock (errors)
                            {
                                errorCount++;
                                if (errors.Count < KeptErrors) errors.Add($"{workload.Honest[batch[b]].Hash}: {answers[b].Error}");
                            }
                        }
                    }
                }, cancel);
            }
            try { await Task.WhenAll(submitters).ConfigureAwait(false); }
            finally { sending.Dispose(); }
            long submittedAll = Stopwatch.GetTimestamp();

            // Wait until every acknowledged honest transaction is in a block (and its height on the L1).
            long deadline = Stopwatch.GetTimestamp() + (long)(options.SettleTimeout.TotalSeconds * Stopwatch.Frequency);
            var missing = new List<Hash256>();
            int ackedTotal = 0;
            foreach (bool a in acked) if (a) ackedTotal++;
            using (IBenchStage receipts = options.Progress.Begin("waiting for receipts", ackedTotal))
                while (true)
                {
                    missing.Clear();
                    for (int i = 0; i < workload.Honest.Count; i++)
                        if (acked[i] && !watchers[workload.Honest[i].Rollup].Included.ContainsKey(workload.Honest[i].Hash)) missing.Add(workload.Honest[i].Hash);
                    receipts.Report(ackedTotal - missing.Count);
                    if (missing.Count == 0 || Stopwatch.GetTimestamp() > deadline) break;
                    await Task.Delay(20, cancel).ConfigureAwait(false);
                }
            long lastIncluded = started;
            var receipt = new List<double>();
            var onL1 = new List<double>();
            int included = 0;
            for (int i = 0; i < workload.Honest.Count; i++)
            {
                if (!acked[i] || !watchers[workload.Honest[i].Rollup].Included.TryGetValue(workload.Honest[i].Hash, out var seen)) continue;
                included++;
                lastIncluded = Math.Max(lastIncluded, seen.SeenAt);
                receipt.Add(Stopwatch.GetElapsedTime(submittedAt[i], seen.SeenAt).TotalMilliseconds);
            }
            honestDone.Cancel();
            LaneResult[] laneResults = await Task.WhenAll(lanes).ConfigureAwait(false);

            int notOnL1 = 0;
            if (l1 is not null && options.WaitForL1)
            {
                using IBenchStage posting = options.Progress.Begin("waiting for L1", included);
                while (true)
                {
                    notOnL1 = 0;
                    onL1.Clear();
                    for (int i = 0; i < workload.Honest.Count; i++)
                    {
                        if (!acked[i] || !watchers[workload.Honest[i].Rollup].Included.TryGetValue(workload.Honest[i].Hash, out var seen)) continue;
                        if (l1.TryGetPostedAt(seen.Block, out long posted)) onL1.Add(Stopwatch.GetElapsedTime(submittedAt[i], posted).TotalMilliseconds);
                        else notOnL1++;
                    }
                    posting.Report(onL1.Count);
                    if (notOnL1 == 0 || Stopwatch.GetTimestamp() > deadline) break;
                    await Task.Delay(100, cancel).ConfigureAwait(false);
                }
            }

            receipt.Sort();
            onL1.Sort();
            int failingSent = 0, failingAcked = 0, failingRejected = 0, failingIncluded = 0;
            var unresolved = new List<(int, Hash256)>();
            var ackedFailing = new List<(int, Hash256)>();
            foreach (LaneResult lr in laneResults)
            {
                failingSent += lr.Sent;
                failingAcked += lr.Acknowledged;
                failingRejected += lr.Rejected;
                failingIncluded += lr.Included;
                unresolved.AddRange(lr.Unresolved);
                ackedFailing.AddRange(lr.AcknowledgedHashes);
            }
            var ackedHonest = new List<(int, Hash256)>();
            for (int i = 0; i < acked.Length; i++) if (acked[i]) ackedHonest.Add((workload.Honest[i].Rollup, workload.Honest[i].Hash));
            int ackedCount = ackedHonest.Count;
            if (errorCount > errors.Count) errors.Add($"... {errorCount} submission errors in all");
            return new LoadReport
            {
                Sent = workload.Honest.Count,
                Acknowledged = ackedCount,
                Included = included,
                Missing = [.. missing],
                Errors = errors,
                Duration = Stopwatch.GetElapsedTime(started, lastIncluded),
                SubmitDuration = Stopwatch.GetElapsedTime(started, submittedAll),
                ReceiptP50Ms = Percentile(receipt, 0.50),
                ReceiptP99Ms = Percentile(receipt, 0.99),
                L1P50Ms = onL1.Count > 0 ? Percentile(onL1, 0.50) : double.NaN,
                L1P99Ms = onL1.Count > 0 ? Percentile(onL1, 0.99) : double.NaN,
                NotOnL1 = notOnL1,
                FailingSent = failingSent,
                FailingAcknowledged = failingAcked,
                FailingRejected = failingRejected,
                FailingIncluded = failingIncluded,
                FailingUnresolved = unresolved,
                AcknowledgedHonest = ackedHonest,
                AcknowledgedFailing = ackedFailing,
            };
        }
        finally
        {
            foreach (BlockWatcher? w in watchers) if (w is not null) await w.DisposeAsync().ConfigureAwait(false);
            foreach (RpcClient c in clients) c.Dispose();
        }
    }

    /// <summary>Nearest-rank percentile of sorted <paramref name="sorted"/> (NaN when empty).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        int rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private sealed class LaneResult
    {
        public int Sent, Acknowledged, Rejected, Included;
        public List<(int, Hash256)> Unresolved { get; } = new();
        public List<(int, Hash256)> AcknowledgedHashes { get; } = new();
    }

    /// <summary>
    /// One adversary: sends its failing transactions one after the other (all at the same nonce: a rejected bundle takes
    /// none) until the honest load is done. A transaction the pool refuses is retried.
    /// </summary>
    private static async Task<LaneResult> RunLaneAsync(RpcClient rpc, IReadOnlyList<PreparedTransaction> lane, CancellationToken honestDone)
    {
        var result = new LaneResult();
        try
        {
            foreach (PreparedTransaction tx in lane)
            {
                while (true)
                {
                    honestDone.ThrowIfCancellationRequested();
                    RpcAnswer sent = await rpc.CallRawAsync("eth_sendRawTransaction", "[\"" + tx.RawHex + "\"]", honestDone).ConfigureAwait(false);
                    if (sent.Ok) break;
                    await Task.Delay(50, honestDone).ConfigureAwait(false);
                }
                result.Sent++;
                result.Acknowledged++;
                result.AcknowledgedHashes.Add((tx.Rollup, tx.Hash));
                string status = await WaitResolvedAsync(rpc, tx.Hash, honestDone).ConfigureAwait(false);
                if (status == "rejected") result.Rejected++;
                else if (status is "included" or "reverted") result.Included++;
                else if (status == "pending") { result.Unresolved.Add((tx.Rollup, tx.Hash)); break; }
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException) { }
        return result;
    }

    private static async Task<string> WaitResolvedAsync(RpcClient rpc, Hash256 hash, CancellationToken honestDone)
    {
        while (true)
        {
            string status;
            try
            {
                JsonElement s = await rpc.CallAsync("lockstep_getMessageStatus", $"[\"{hash}\"]", honestDone).ConfigureAwait(false);
                status = s.ValueKind == JsonValueKind.Object ? s.GetProperty("status").GetString()! : "unknown";
            }
            catch (OperationCanceledException)
            {
                return "pending";
            }
            if (status != "pending") return status;
            try { await Task.Delay(25, honestDone).ConfigureAwait(false); }
            catch (OperationCanceledException) { return "pending"; }
        }
    }
}
