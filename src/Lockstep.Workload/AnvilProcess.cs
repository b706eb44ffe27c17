using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Lockstep.Workload;

/// <summary>
/// anvil (Foundry 1.7.1 from npm, <c>tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c>) on a free
/// loopback port with automine, funding <c>accounts</c> keys of the standard test mnemonic: the reference node of
/// the side-by-side figures.
/// </summary>
public sealed partial class AnvilProcess : IDisposable
{
    private readonly Process _process;

    private AnvilProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Its JSON-RPC URL.</summary>
    public Uri Url { get; }

    /// <summary>anvil's path under <paramref name="repoRoot"/>, or null when it is not installed there.</summary>
    public static string? Find(string repoRoot)
    {
        string path = Path.Combine(repoRoot, "tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Starts <paramref name="binary"/> and waits until it listens. <paramref name="blockTime"/> seconds: interval mining
    /// (every pending transaction each interval); null: automine, which under sustained concurrent load mines one
    /// transaction per arrival and leaves a backlog in its pool once arrivals stop (seen at 10,000 transactions).
    /// </summary>
    public static AnvilProcess Start(string binary, int accounts, double? blockTime = 1)
    {
        string[] args = ["--host", "127.0.0.1", "--port", "0", "--hardfork", "cancun", "--accounts", accounts.ToString(CultureInfo.InvariantCulture), "--gas-limit", "30000000"];
        if (blockTime is { } t) args = [.. args, "--block-time", t.ToString(CultureInfo.InvariantCulture)];
        var process = Process.Start(new ProcessStartInfo(binary, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("anvil did not start");
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            string? line = process.StandardOutput.ReadLine();
            if (line is null || DateTime.UtcNow > deadline)
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                process.Dispose();
                throw new InvalidOperationException("anvil exited before listening");
            }
            Match m = Listening().Match(line);
            if (!m.Success) continue;
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
            return new AnvilProcess(process, new Uri("http://" + m.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Listening on (127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    /// <summary>Stops anvil.</summary>
    public void Dispose()
    {
        try { _process.Kill(); _process.WaitForExit(5_000); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
