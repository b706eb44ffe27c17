using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Workload;

/// <summary>
/// Follows one chain over JSON-RPC (<c>eth_blockNumber</c>, then <c>eth_getBlockByNumber(n, false)</c> for each new
/// block) and stamps every transaction hash with the moment its block was first seen: the time a wallet polling
/// for its receipt would get it. Works the same against a lockstep rollup and against anvil.
/// </summary>
public sealed class BlockWatcher : IAsyncDisposable
{
    private readonly RpcClient _rpc;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeSpan _poll;
    private ulong _next;

    /// <summary>Starts following <paramref name="rpc"/> from the block after <paramref name="fromBlock"/>.</summary>
    public BlockWatcher(RpcClient rpc, ulong fromBlock, TimeSpan? poll = null)
    {
        _rpc = rpc;
        _next = fromBlock + 1;
        _poll = poll ?? TimeSpan.FromMilliseconds(10);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transaction hash -> (block number, Stopwatch timestamp when the block was seen).</summary>
    public ConcurrentDictionary<Hash256, (ulong Block, long SeenAt)> Included { get; } = new();

    /// <summary>Last block seen.</summary>
    public ulong Head => _next - 1;

    /// <summary>Polling failures (the loop goes on).</summary>
    public int Errors { get; private set; }

    private async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                ulong head = RpcClient.Quantity(await _rpc.CallAsync("eth_blockNumber", "[]", stop).ConfigureAwait(false));
                while (_next <= head && !stop.IsCancellationRequested)
                {
                    // Up to 100 blocks per batch request: anvil's automine makes one block per transaction.
                    int count = (int)Math.Min(100, head - _next + 1);
                    var parameters = new List<string>(count);
                    for (int k = 0; k < count; k++) parameters.Add($"[\"{RpcClient.ToQuantity(_next + (ulong)k)}\",false]");
                    RpcAnswer[] blocks = await _rpc.BatchAsync("eth_getBlockByNumber", parameters, stop).ConfigureAwait(false);
                    long seen = Stopwatch.GetTimestamp();
                    bool gap = false;
                    foreach (RpcAnswer block in blocks)
                    {
                        if (!block.Ok || block.Result.ValueKind != JsonValueKind.Object) { gap = true; break; }
                        foreach (JsonElement h in block.Result.GetProperty("transactions").EnumerateArray())
                            Included.TryAdd(Hash256.FromHex(h.GetString()!), (_next, seen));
                        _next++;
                    }
                    if (gap) break;
                }
                await Task.Delay(_poll, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException or FormatException)
            {
                Errors++;
                try { await Task.Delay(_poll, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>
/// When each height reached the L1: fed by the batch poster's <c>Posted</c> event (embedded L1). Kept as one entry per
/// posting (a height range and its moment), not per height, and bounded: a load run forgets the postings below the
/// heights it watches (<see cref="ForgetBelow"/>), and beyond <see cref="MaxPostings"/> the oldest go, so a long soak
/// holds only what its current round's latency percentiles need (issue 8: nothing grows without bound).
/// </summary>
public sealed class L1Tracker
{
    /// <summary>Postings kept at most by default (one per superbatch: at one posting per second, 18 hours).</summary>
    public const int DefaultMaxPostings = 65_536;

    private readonly object _gate = new();
    // Ascending by height: the poster posts its backlog in order, each superbatch right after the previous one.
    private readonly List<(ulong First, ulong Last, long At)> _postings = new();
    private int _head;
    // Highest height ever recorded: survives forgetting, so a late duplicate posting is never taken again.
    private ulong _last;

    /// <summary>Creates a tracker keeping at most <paramref name="maxPostings"/> postings.</summary>
    public L1Tracker(int maxPostings = DefaultMaxPostings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPostings, 1);
        MaxPostings = maxPostings;
    }

    /// <summary>Postings kept at most; beyond it the oldest are forgotten.</summary>
    public int MaxPostings { get; }

    /// <summary>Postings currently kept.</summary>
    public int Count
    {
        get { lock (_gate) return _postings.Count - _head; }
    }

    /// <summary>Highest height recorded as posted (0 when none).</summary>
    public ulong LastHeight
    {
        get { lock (_gate) return _last; }
    }

    /// <summary>Records heights <paramref name="first"/>..<paramref name="last"/> as posted now.</summary>
    public void OnPosted(ulong first, ulong last)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            // A height posted again (a replacement after an L1 reorg) keeps its first moment, like the first confirmation.
            if (last <= _last || first > last) return;
            _postings.Add((Math.Max(first, _last + 1), last, now));
            _last = last;
            if (_postings.Count - _head > MaxPostings) _head++;
            Compact();
        }
    }

    /// <summary>The moment <paramref name="height"/> was posted, when it was and is still kept.</summary>
    public bool TryGetPostedAt(ulong height, out long postedAt)
    {
        lock (_gate)
        {
            int lo = _head, hi = _postings.Count - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                (ulong first, ulong last, long at) = _postings[mid];
                if (height < first) hi = mid - 1;
                else if (height > last) lo = mid + 1;
                else { postedAt = at; return true; }
            }
        }
        postedAt = 0;
        return false;
    }

    /// <summary>Forgets every posting whose heights are all below <paramref name="height"/> (what no later lookup needs).</summary>
    public void ForgetBelow(ulong height)
    {
        lock (_gate)
        {
            while (_head < _postings.Count && _postings[_head].Last < height) _head++;
            Compact();
        }
    }

    // Drops the forgotten prefix once it is at least half the list, so removal stays amortised O(1).
    private void Compact()
    {
        if (_head > 0 && _head >= _postings.Count - _head)
        {
            _postings.RemoveRange(0, _head);
            _head = 0;
        }
    }
}
