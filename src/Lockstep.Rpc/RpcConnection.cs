using System.Security.Cryptography;
using System.Threading.Channels;

namespace Lockstep.Rpc;

/// <summary>
/// One WebSocket client: a bounded queue of outgoing messages (responses and subscription notifications) and
/// the ids of its live subscriptions. A client too slow to drain <see cref="RpcServerOptions.MaxQueuedNotifications"/>
/// messages is disconnected rather than letting the server's memory grow.
/// </summary>
public sealed class RpcConnection
{
    private readonly Channel<byte[]> _outgoing;
    private readonly HashSet<string> _subscriptions = [];
    private readonly int _maxSubscriptions;
    private readonly CancellationTokenSource _closed = new();

    /// <summary>A connection with the given limits.</summary>
    public RpcConnection(int maxSubscriptions, int maxQueued)
    {
        _maxSubscriptions = maxSubscriptions;
        _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(maxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>True once the socket is gone (subscriptions of a closed connection are dropped lazily).</summary>
    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>Cancelled when the connection closes.</summary>
    public CancellationToken Closed => _closed.Token;

    internal ChannelReader<byte[]> Outgoing => _outgoing.Reader;

    /// <summary>Queues <paramref name="message"/>; false (and the connection closes) when the client is too slow.</summary>
    public bool TrySend(byte[] message)
    {
        if (IsClosed) return false;
        if (_outgoing.Writer.TryWrite(message)) return true;
        Close();
        return false;
    }

    /// <summary>Registers a new subscription id; null when the connection is at its limit.</summary>
    public string? AddSubscription()
    {
        lock (_subscriptions)
        {
            if (_subscriptions.Count >= _maxSubscriptions) return null;
            // Random 128-bit ids, as geth: not guessable by other connections.
            string id = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            _subscriptions.Add(id);
            return id;
        }
    }

    /// <summary>Drops a subscription of this connection; false when it does not own <paramref name="id"/>.</summary>
    public bool RemoveSubscription(string id)
    {
        lock (_subscriptions) return _subscriptions.Remove(id);
    }

    /// <summary>True when <paramref name="id"/> is a live subscription of this connection.</summary>
    public bool HasSubscription(string id)
    {
        lock (_subscriptions) return _subscriptions.Contains(id);
    }

    /// <summary>Marks the connection closed and ends the send loop.</summary>
    public void Close()
    {
        if (IsClosed) return;
        _closed.Cancel();
        _outgoing.Writer.TryComplete();
    }
}
