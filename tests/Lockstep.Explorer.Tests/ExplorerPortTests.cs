using System.Net;
using System.Net.Sockets;
using Lockstep.Devnet;

namespace Lockstep.Explorer.Tests;

public class ExplorerPortTests
{
    [Fact]
    public async Task TakenExplorerPort_FailsTheStart_WithAClearError_AndReleasesTheRpcPorts()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-explorer-port-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // Kestrel reports a taken port as an IOException naming the address (the CLI prints it as "cannot start").
            IOException e = await Assert.ThrowsAnyAsync<IOException>(() =>
                Lockstep.Devnet.Devnet.StartAsync(new DevnetOptions { DataDir = dir, BasePort = 0, ExplorerPort = port }));
            Assert.Contains(port.ToString(), e.Message);

            // Nothing is left open: the same data directory starts again (RocksDB lock released) with a free explorer port.
            await using Lockstep.Devnet.Devnet again = await Lockstep.Devnet.Devnet.StartAsync(new DevnetOptions { DataDir = dir, BasePort = 0 });
            Assert.NotEqual(port, again.Explorer.Url.Port);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }
}
