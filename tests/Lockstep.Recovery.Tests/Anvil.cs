using System.Diagnostics;
using System.Text.RegularExpressions;
using Lockstep.Testing;

namespace Lockstep.Recovery.Tests;

/// <summary>anvil 1.7.1 (npm, revm) on a free loopback port with automine and Cancun rules: the independent L1.</summary>
internal sealed partial class Anvil : IDisposable
{
    private readonly Process _process;

    public Uri Url { get; }

    public Anvil()
    {
        string binary = Path.Combine(RepoPaths.Root, "tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        _process = Process.Start(new ProcessStartInfo(binary, ["--host", "127.0.0.1", "--port", "0", "--hardfork", "cancun", "--accounts", "11", "--gas-limit", "30000000"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("anvil did not start");
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            string? line = _process.StandardOutput.ReadLine();
            if (line is null || DateTime.UtcNow > deadline)
            {
                Dispose();
                throw new InvalidOperationException("anvil exited before listening");
            }
            Match m = Listening().Match(line);
            if (!m.Success) continue;
            Url = new Uri("http://" + m.Groups[1].Value);
            break;
        }
        _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = _process.StandardError.BaseStream.CopyToAsync(Stream.Null);
    }

    [GeneratedRegex(@"Listening on (127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); _process.WaitForExit(5_000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
