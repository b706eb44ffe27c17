using Lockstep.Testing;

// The tests start real processes (node, anvil, the lockstep CLI) and measure wall time; on a small shared
// machine running them side by side only makes them slow and flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lockstep.ClientTests;

/// <summary>
/// Where the client tests find their scripts, anvil, `node` and the CLI (the shared part: tests/Shared/ExternalTools.cs).
/// </summary>
internal static class Toolchain
{
    /// <summary>tests/js, where the client scripts live.</summary>
    public static string ScriptsDir { get; } = Path.Combine(RepoPaths.Root, "tests", "js");

    /// <summary>The anvil binary from the npm package @foundry-rs/anvil-linux-amd64.</summary>
    public static string Anvil => Require(
        Path.Combine(RepoPaths.Root, "tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
        "anvil is missing: run `cd tools && npm ci`");

    /// <summary>`node` from PATH, checked once together with tools/node_modules/ethers.</summary>
    public static string Node => ExternalTools.Node("the client tests run ethers/viem/cast scripts with it");

    /// <summary>The built CLI (<see cref="ExternalTools.LockstepDll"/>).</summary>
    public static string LockstepDll => ExternalTools.LockstepDll;

    private static string Require(string path, string message) => ExternalTools.Require(path, message);
}
