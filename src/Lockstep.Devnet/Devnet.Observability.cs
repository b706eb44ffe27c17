using System.Diagnostics;
using Lockstep.Devnet.Explorer;
using Lockstep.Rpc;
using Lockstep.Sequencer;

namespace Lockstep.Devnet;

public sealed partial class Devnet
{
    private DevnetMetrics? _metrics;
    private ExplorerServer? _explorer;

    /// <summary>The Prometheus metrics (superblocks, transactions, bundles, pools, RPC latency), served at <c>/metrics</c>.</summary>
    public DevnetMetrics Metrics => _metrics ??= new DevnetMetrics(() => Rollups);

    /// <summary>The last superblocks, cross-rollup bundles and rejections the explorer shows (kept from <see cref="SharedSequencer.SuperblockSealed"/>).</summary>
    public ExplorerFeed ExplorerFeed { get; } = new();

    /// <summary>The explorer page and metrics server (started with the devnet).</summary>
    public ExplorerServer Explorer => _explorer ?? throw new InvalidOperationException("the explorer is not started");

    /// <summary>The explorer's current state: what <c>GET /api/state</c> answers.</summary>
    public ExplorerState ExplorerSnapshot()
    {
        var rollups = new ExplorerRollup[Rollups.Count];
        for (int i = 0; i < rollups.Length; i++)
            rollups[i] = new ExplorerRollup(Rollups[i].Name, Rollups[i].Chain.ChainId, Rollups[i].Server.Url.ToString().TrimEnd('/'));
        ExplorerState state = ExplorerFeed.Snapshot(rollups, Sequencer.Height);
        return L1Watcher is { } watcher ? state with { L1 = watcher.Snapshot(_l1Rpc) } : state;
    }

    private string _l1Rpc = "";

    /// <summary>Follows the L1 inbox for the explorer's L1 panels; null without an L1.</summary>
    public L1Watcher? L1Watcher { get; private set; }

    // After the settlement layer started: the L1 panels, the posting-lag metrics and the logs (Devnet.Logging.cs).
    private void StartL1Observers()
    {
        StartLogging();
        // The embedded L1 or an external one (--l1-rpc): the watcher reads whichever the poster settles on.
        if (L1Client is { } client && L1Contracts is { } contracts && DescribeL1() is { } l1)
        {
            _l1Rpc = l1.Rpc;
            L1Watcher = new L1Watcher(client, l1.ChainId, contracts.Inbox);
            L1Watcher.Start(TimeSpan.FromSeconds(1));
        }
        if (Poster is { } poster)
        {
            DevnetMetrics metrics = Metrics;
            metrics.UnpostedSuperblocks = () => { ulong h = Sequencer.Height, p = poster.Progress.LastHeight; return h > p ? h - p : 0; };
            poster.Posted += p => metrics.OnPosted(p.FirstHeight, p.LastHeight);
        }
    }

    private void StopL1Observers()
    {
        L1Watcher?.Dispose();
        L1Watcher = null;
    }

    // Wraps every registered method with a timer (RPC latency by method); registered handlers are never replaced later.
    private void TimeRpc(string rollup, RpcDispatcher dispatcher)
    {
        DevnetMetrics metrics = Metrics;
        foreach (string method in dispatcher.Methods.ToArray())
        {
            RpcHandler inner = dispatcher.GetHandler(method)!;
            dispatcher.Register(method, (call, w) =>
            {
                long started = Stopwatch.GetTimestamp();
                try { inner(call, w); }
                finally { metrics.ObserveRpc(rollup, method, Stopwatch.GetElapsedTime(started)); }
            });
        }
    }

    private async Task StartExplorerAsync(CancellationToken cancel)
    {
        DevnetMetrics metrics = Metrics;
        Sequencer.SuperblockSealed += sb =>
        {
            // Raised on the sequencer thread right after the build, so LastBuildDuration is this superblock's.
            TimeSpan built = Sequencer.LastBuildDuration;
            metrics.OnSuperblock(sb, built);
            ExplorerFeed.Add(sb, built);
        };
        int port = Options.ExplorerPort ?? (Options.BasePort == 0 ? 0 : Options.BasePort - 1);
        var server = new ExplorerServer(Options.Host, port, ExplorerSnapshot, metrics.Render);
        await server.StartAsync(cancel).ConfigureAwait(false);
        _explorer = server;
    }

    private async Task StopExplorerAsync()
    {
        if (_explorer is not null) await _explorer.StopAsync().ConfigureAwait(false);
    }
}
