using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lockstep.Rpc;

/// <summary>
/// HTTP and WebSocket JSON-RPC on one port (Kestrel through minimal hosting, no MVC). POST / carries single or
/// batch requests; a WebSocket upgrade on / carries requests and subscription notifications. One server serves one
/// <see cref="RpcDispatcher"/> (one chain); a process may run several servers on several ports.
/// </summary>
public sealed class RpcServer : IAsyncDisposable
{
    private readonly RpcDispatcher _dispatcher;
    private readonly RpcServerOptions _options;
    private KestrelHost? _host;

    /// <summary>A server for <paramref name="dispatcher"/>; <see cref="StartAsync"/> binds it.</summary>
    public RpcServer(RpcDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        _options = dispatcher.Options;
    }

    /// <summary>The bound URL (http://host:port), known after <see cref="StartAsync"/>.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>The bound WebSocket URL (ws://host:port).</summary>
    public Uri WebSocketUrl => new UriBuilder(Url) { Scheme = "ws" }.Uri;

    /// <summary>Binds the port and starts serving.</summary>
    public async Task StartAsync(CancellationToken cancel = default)
    {
        _host = await KestrelHost.StartAsync(_options.Host, _options.Port, HandleAsync,
            // The body limit is enforced while reading so that an oversized body gets a JSON-RPC error.
            kestrel: k => k.Limits.MaxRequestBodySize = null,
            middleware: app => app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) }),
            cancel: cancel).ConfigureAwait(false);
        Url = _host.Url;
    }

    private async Task HandleAsync(HttpContext context)
    {
        bool loopback = context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
        if (context.WebSockets.IsWebSocketRequest)
        {
            await ServeWebSocketAsync(context, loopback).ConfigureAwait(false);
            return;
        }
        HttpResponse response = context.Response;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            // GET / answers like geth's health check; anything else is refused.
            response.StatusCode = HttpMethods.IsGet(context.Request.Method) ? 200 : 405;
            return;
        }
        if (context.Request.ContentLength is long declared && declared > _options.MaxRequestBytes)
        {
            await WriteTooLarge(response).ConfigureAwait(false);
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(context.Request.ContentLength ?? 4096, _options.MaxRequestBytes) + 1);
        try
        {
            int length = 0;
            Stream body = context.Request.Body;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > _options.MaxRequestBytes)
                    {
                        await WriteTooLarge(response).ConfigureAwait(false);
                        return;
                    }
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxRequestBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int read = await body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
            }
            if (length > _options.MaxRequestBytes)
            {
                await WriteTooLarge(response).ConfigureAwait(false);
                return;
            }
            byte[]? result = _dispatcher.Process(buffer.AsMemory(0, length), null, loopback);
            response.ContentType = "application/json";
            if (result is null)
            {
                response.StatusCode = 200;
                return;
            }
            response.ContentLength = result.Length;
            await response.Body.WriteAsync(result, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteTooLarge(HttpResponse response)
    {
        // geth answers 413; the body is still a JSON-RPC error so that clients can show the reason.
        response.StatusCode = 413;
        response.ContentType = "application/json";
        byte[] error = RpcDispatcher.ErrorResponse(RpcErrorCodes.InvalidRequest, $"request body too large: the limit is {_options.MaxRequestBytes} bytes");
        response.ContentLength = error.Length;
        await response.Body.WriteAsync(error).ConfigureAwait(false);
    }

    private async Task ServeWebSocketAsync(HttpContext context, bool loopback)
    {
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var connection = new RpcConnection(_options.MaxSubscriptionsPerConnection, _options.MaxQueuedNotifications);
        Task sender = SendLoopAsync(socket, connection);
        byte[] buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open && !connection.IsClosed)
            {
                ValueWebSocketReceiveResult r = await socket.ReceiveAsync(buffer.AsMemory(), connection.Closed).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close) break;
                if (message.Length + r.Count > _options.MaxRequestBytes)
                {
                    connection.TrySend(RpcDispatcher.ErrorResponse(RpcErrorCodes.InvalidRequest, $"message too large: the limit is {_options.MaxRequestBytes} bytes"));
                    break;
                }
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                byte[]? response = _dispatcher.Process(message.GetBuffer().AsMemory(0, (int)message.Length), connection, loopback);
                message.SetLength(0);
                if (response is not null && !connection.TrySend(response)) break;
            }
        }
        catch (WebSocketException) { }
        catch (OperationCanceledException) { }
        finally
        {
            connection.Close();
            await sender.ConfigureAwait(false);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false); }
                catch (WebSocketException) { }
            }
        }
    }

    private static async Task SendLoopAsync(WebSocket socket, RpcConnection connection)
    {
        try
        {
            await foreach (byte[] message in connection.Outgoing.ReadAllAsync().ConfigureAwait(false))
                await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (WebSocketException) { connection.Close(); }
        catch (ObjectDisposedException) { connection.Close(); }
    }

    /// <summary>Stops listening and closes connections.</summary>
    public async Task StopAsync()
    {
        if (_host is not { } host) return;
        _host = null;
        await host.StopAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
