using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lockstep.Rpc;
using Microsoft.AspNetCore.Http;

namespace Lockstep.Devnet.Explorer;

/// <summary>
/// The devnet's explorer and metrics endpoint (Kestrel, one port): <c>GET /</c> the page (embedded HTML, polls the
/// API every second), <c>GET /api/state</c> the JSON the page draws (<see cref="ExplorerState"/>), <c>GET /metrics</c>
/// Prometheus text format 0.0.4. Anything else is 404; non-GET is 405.
/// </summary>
public sealed class ExplorerServer(IPAddress host, int port, Func<ExplorerState> state, Func<string> metrics) : IAsyncDisposable
{
    /// <summary>camelCase JSON, nulls written (the page tests for them).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using Stream s = typeof(ExplorerServer).Assembly.GetManifestResourceStream("Lockstep.Devnet.Explorer.explorer.html")
            ?? throw new InvalidOperationException("explorer.html is not embedded in " + typeof(ExplorerServer).Assembly.GetName().Name);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    });

    private KestrelHost? _host;

    /// <summary>The bound URL (http://host:port/), known after <see cref="StartAsync"/>.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1:0/");

    /// <summary>The metrics URL (<c>/metrics</c>).</summary>
    public Uri MetricsUrl => new(Url, "metrics");

    /// <summary>Binds the port and starts serving.</summary>
    public async Task StartAsync(CancellationToken cancel = default)
    {
        _host = await KestrelHost.StartAsync(host, port, HandleAsync, cancel: cancel).ConfigureAwait(false);
        Url = _host.Url;
    }

    private async Task HandleAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = 405;
            return;
        }
        byte[] body;
        switch (context.Request.Path.Value)
        {
            case "/" or "/index.html":
                response.ContentType = "text/html; charset=utf-8";
                body = Page.Value;
                break;
            case "/api/state":
                response.ContentType = "application/json";
                response.Headers.CacheControl = "no-store";
                body = JsonSerializer.SerializeToUtf8Bytes(state(), JsonOptions);
                break;
            case "/metrics":
                // The content type Prometheus expects for the text format (exposition formats, 0.0.4).
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                body = System.Text.Encoding.UTF8.GetBytes(metrics());
                break;
            default:
                response.StatusCode = 404;
                return;
        }
        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        try { await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    /// <summary>Stops listening.</summary>
    public async Task StopAsync()
    {
        if (_host is not { } h) return;
        _host = null;
        await h.StopAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
