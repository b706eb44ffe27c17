using System.Diagnostics;
using Lockstep.Settlement;

namespace Lockstep.Testing;

/// <summary>
/// Starts anvil 1.7.1 from npm (tools/node_modules/@foundry-rs/anvil-linux-amd64) through <see cref="LocalAnvil"/>:
/// the one way the test projects start an independent L1 (link this file like RepoPaths.cs).
/// </summary>
internal static class AnvilLauncher
{
    /// <summary>The anvil binary; a test failure saying how to install it when missing.</summary>
    public static string Binary => ExternalTools.Require(
        Path.Combine(RepoPaths.Root, "tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
        "anvil is missing: run `cd tools && npm ci`");

    /// <summary>anvil on 127.0.0.1:<paramref name="port"/> (0: a free port) with <paramref name="extraArgs"/>.</summary>
    public static (Process Process, Uri Url) Start(int port = 0, params string[] extraArgs) => LocalAnvil.Start(Binary, port, extraArgs);

    /// <summary>Kills anvil (its state is gone unless dumped) and waits for it to exit.</summary>
    public static void Stop(Process process) => LocalAnvil.Stop(process);
}
