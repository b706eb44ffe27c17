using System.Buffers;
using System.Text.Json;
using Lockstep.Node;
using Lockstep.TxPool;

namespace Lockstep.Rpc;

public sealed partial class EthModule
{
    private enum SubscriptionKind { NewHeads, Logs, NewPendingTransactions }

    private sealed record Subscription(string Id, RpcConnection Connection, SubscriptionKind Kind, LogFilter? Filter);

    // eth_subscribe(kind, [filter]): newHeads, logs {address, topics}, newPendingTransactions. WebSocket only.
    private void Subscribe(RpcCall call, Utf8JsonWriter w)
    {
        RpcConnection connection = call.Connection
            ?? throw new RpcException(RpcErrorCodes.MethodNotFound, "notifications not supported: use a WebSocket connection");
        string kindName = call.Params.String(0, "subscription");
        SubscriptionKind kind;
        LogFilter? filter = null;
        switch (kindName)
        {
            case "newHeads": kind = SubscriptionKind.NewHeads; break;
            case "newPendingTransactions": kind = SubscriptionKind.NewPendingTransactions; break;
            case "logs":
                kind = SubscriptionKind.Logs;
                filter = new LogFilter();
                if (call.Params.Has(1))
                {
                    JsonElement f = call.Params.Get(1, "filter");
                    if (f.ValueKind != JsonValueKind.Object) throw RpcException.InvalidParam(1, "the logs filter must be an object");
                    filter = ParseLogFilter(f, 1);
                }
                break;
            default:
                throw RpcException.InvalidParam(0, $"unsupported subscription '{kindName}' (newHeads, logs, newPendingTransactions)");
        }
        string id = connection.AddSubscription()
            ?? throw new RpcException(RpcErrorCodes.LimitExceeded, $"too many subscriptions on this connection (limit {_options.MaxSubscriptionsPerConnection})");
        _subscriptions[id] = new Subscription(id, connection, kind, filter);
        w.WriteStringValue(id);
    }

    private void Unsubscribe(RpcCall call, Utf8JsonWriter w)
    {
        string id = call.Params.String(0, "subscriptionId");
        bool removed = call.Connection is not null && call.Connection.RemoveSubscription(id) && _subscriptions.TryRemove(id, out _);
        w.WriteBooleanValue(removed);
    }

    private void OnNewHead(BlockData block)
    {
        if (_subscriptions.IsEmpty) return;
        byte[]? header = null;
        List<MatchedLog>? logs = null;
        foreach (Subscription s in _subscriptions.Values)
        {
            if (s.Connection.IsClosed)
            {
                _subscriptions.TryRemove(s.Id, out _);
                continue;
            }
            switch (s.Kind)
            {
                case SubscriptionKind.NewHeads:
                    header ??= Serialize(w => RpcJson.Header(w, block.Header));
                    Send(s, header);
                    break;
                case SubscriptionKind.Logs:
                    logs ??= [];
                    logs.Clear();
                    RollupChain.CollectLogs(block, s.Filter!, logs);
                    foreach (MatchedLog m in logs) Send(s, Serialize(w => RpcJson.Log(w, m.Log, m.Block, m.TransactionIndex, m.LogIndex)));
                    break;
            }
        }
    }

    private void OnPendingTransaction(PooledTransaction tx)
    {
        if (_subscriptions.IsEmpty) return;
        byte[]? hash = null;
        foreach (Subscription s in _subscriptions.Values)
        {
            if (s.Kind != SubscriptionKind.NewPendingTransactions || s.Connection.IsClosed) continue;
            hash ??= Serialize(w => RpcJson.HashValue(w, tx.Hash));
            Send(s, hash);
        }
    }

    private void Send(Subscription s, byte[] result)
    {
        var output = new ArrayBufferWriter<byte>(result.Length + 128);
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WriteString("method"u8, "eth_subscription"u8);
            w.WriteStartObject("params"u8);
            w.WriteString("subscription"u8, s.Id);
            w.WritePropertyName("result"u8);
            w.WriteRawValue(result, skipInputValidation: true);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        if (!s.Connection.TrySend(output.WrittenSpan.ToArray())) _subscriptions.TryRemove(s.Id, out _);
    }

    private static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        var output = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(output)) write(w);
        return output.WrittenSpan.ToArray();
    }
}
