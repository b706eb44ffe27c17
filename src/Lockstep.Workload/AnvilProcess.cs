using System.Diagnostics;
using System.Globalization;
using Lockstep.Settlement;

namespace Lockstep.Workload;

/// <summary>
/// anvil (Foundry 1.7.1 from npm, <c>tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c>) on a free
/// loopback port with automine, funding <c>accounts</c> keys of the standard test mnemonic: the reference node of
/// the side-by-side figures.
/// </summary>
public sealed class AnvilProcess : IDisposable
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
        string[] args = ["--accounts", accounts.ToString(CultureInfo.InvariantCulture), "--gas-limit", "30000000"];
        if (blockTime is { } t) args = [.. args, "--block-time", t.ToString(CultureInfo.InvariantCulture)];
        (Process process, Uri url) = LocalAnvil.Start(binary, 0, args);
        return new AnvilProcess(process, url);
    }

    /// <summary>Stops anvil.</summary>
    public void Dispose() => LocalAnvil.Stop(_process);
}
