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

/// <summary>When each height reached the L1: fed by the batch poster's <c>Posted</c> event (embedded L1).</summary>
public sealed class L1Tracker
{
    /// <summary>Height -> Stopwatch timestamp when the superbatch holding it was confirmed on the L1.</summary>
    public ConcurrentDictionary<ulong, long> PostedAt { get; } = new();

    /// <summary>Records heights <paramref name="first"/>..<paramref name="last"/> as posted now.</summary>
    public void OnPosted(ulong first, ulong last)
    {
        long now = Stopwatch.GetTimestamp();
        for (ulong h = first; h <= last; h++) PostedAt.TryAdd(h, now);
    }
}
