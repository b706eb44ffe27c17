using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Lockstep.Rpc;

/// <summary>
/// One Kestrel listener serving one request delegate (minimal hosting, no MVC): binds <c>host:port</c> (port 0: a free
/// port, read back after binding), starts, and stops gracefully. The JSON-RPC server and the devnet explorer run on it.
/// The caller chooses the address: both default to loopback, and admin methods are refused to non-loopback peers by
/// the dispatcher, not here.
/// </summary>
public sealed class KestrelHost : IAsyncDisposable
{
    private WebApplication? _app;

    private KestrelHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The bound URL: <c>http://host:port/</c> with the address asked for (not Kestrel's) and the real port.</summary>
    public Uri Url { get; }

    /// <summary>
    /// Binds <paramref name="host"/>:<paramref name="port"/> and serves every request with <paramref name="handler"/>;
    /// <paramref name="kestrel"/> adjusts limits, <paramref name="middleware"/> adds middleware before the handler
    /// (WebSockets, for instance).
    /// </summary>
    public static async Task<KestrelHost> StartAsync(IPAddress host, int port, RequestDelegate handler,
        Action<KestrelServerOptions>? kestrel = null, Action<IApplicationBuilder>? middleware = null, CancellationToken cancel = default)
    {
        // The empty builder: no appsettings.json sources, so no recursive FileSystemWatcher on the content root (the
        // working directory). The slim builder's watcher woke up for every file written under the directory the node
        // was started from (4% of the node's CPU while serving eth_sendRawTransaction from a busy repository). No
        // logging providers either: the servers log through their owners.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddLogging();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(host, port);
            k.AddServerHeader = false;
            kestrel?.Invoke(k);
        });
        WebApplication app = builder.Build();
        middleware?.Invoke(app);
        app.Run(handler);
        await app.StartAsync(cancel).ConfigureAwait(false);
        // Kestrel reports "http://127.0.0.1:PORT" (or [::]); keep the address we were asked to bind, take its port.
        int bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return new KestrelHost(app, new Uri($"http://{Format(host)}:{bound}/"));
    }

    private static string Format(IPAddress host) =>
        host.Equals(IPAddress.Any) ? "0.0.0.0" : host.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();

    /// <summary>Stops listening, lets requests in flight finish (Kestrel's shutdown timeout), closes connections.</summary>
    public async Task StopAsync()
    {
        if (_app is not { } app) return;
        _app = null;
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
