using System.Net;

namespace Lockstep.Rpc;

/// <summary>Where the server listens and the limits that keep it up under any input (docs/rpc.md lists them).</summary>
public sealed class RpcServerOptions
{
    /// <summary>Listen address; loopback unless the operator asks otherwise.</summary>
    public IPAddress Host { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8545;

    /// <summary>Largest HTTP body or WebSocket message accepted (geth: 5 MB).</summary>
    public int MaxRequestBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>Most requests in one batch (geth: 1000).</summary>
    public int MaxBatchLength { get; init; } = 1000;

    /// <summary>Most blocks one eth_getLogs may scan.</summary>
    public ulong MaxLogBlockRange { get; init; } = 10_000;

    /// <summary>Most logs one eth_getLogs may return.</summary>
    public int MaxLogResults { get; init; } = 10_000;

    /// <summary>Most live subscriptions per WebSocket connection.</summary>
    public int MaxSubscriptionsPerConnection { get; init; } = 100;

    /// <summary>Notifications queued for a slow WebSocket client before it is disconnected.</summary>
    public int MaxQueuedNotifications { get; init; } = 10_000;

    /// <summary>Most blocks one eth_feeHistory may cover (geth: 1024).</summary>
    public int MaxFeeHistoryBlocks { get; init; } = 1024;
}
