using System.Diagnostics;
using Lockstep.Testing;

// The tests start real processes (node, anvil, the lockstep CLI) and measure wall time; on a small shared
// machine running them side by side only makes them slow and flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lockstep.ClientTests;

/// <summary>
/// Finds the external programs the client tests drive. Nothing is built or installed here: a missing program is a
/// test failure with a message saying how to get it (scripts/test.sh installs tools/node_modules and builds the CLI).
/// </summary>
internal static class Toolchain
{
    /// <summary>tests/js, where the client scripts live.</summary>
    public static string ScriptsDir { get; } = Path.Combine(RepoPaths.Root, "tests", "js");

    /// <summary>The anvil binary from the npm package @foundry-rs/anvil-linux-amd64.</summary>
    public static string Anvil => Require(
        Path.Combine(RepoPaths.Root, "tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
        "anvil is missing: run `cd tools && npm ci`");

    /// <summary>`node` from PATH (version checked once).</summary>
    public static string Node
    {
        get
        {
            s_node ??= FindNode();
            return s_node;
        }
    }

    private static string? s_node;

    /// <summary>
    /// The built CLI: LOCKSTEP_CLI_DLL if set (a build elsewhere, e.g. of one commit), else
    /// src/Lockstep.Cli/bin/{Release,Debug}/net10.0/lockstep.dll, the newest of those that exist
    /// (the test script builds Release; a developer's `dotnet build` makes Debug).
    /// </summary>
    public static string LockstepDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("LOCKSTEP_CLI_DLL") is { Length: > 0 } env)
                return Require(env, "LOCKSTEP_CLI_DLL names no file");
            string? best = null;
            foreach (string config in new[] { "Release", "Debug" })
            {
                string candidate = Path.Combine(RepoPaths.Root, "src", "Lockstep.Cli", "bin", config, "net10.0", "lockstep.dll");
                if (File.Exists(candidate) && (best == null || File.GetLastWriteTimeUtc(candidate) > File.GetLastWriteTimeUtc(best)))
                    best = candidate;
            }
            if (best == null)
                Assert.Fail("lockstep.dll not found under src/Lockstep.Cli/bin/{Release,Debug}/net10.0: build it first " +
                    "(`dotnet build src/Lockstep.Cli -c Release`)");
            return best!;
        }
    }

    private static string FindNode()
    {
        Require(Path.Combine(RepoPaths.Root, "tools", "node_modules", "ethers", "package.json"),
            "tools/node_modules/ethers is missing: run `cd tools && npm ci`");
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            string version = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            if (p.ExitCode != 0) Assert.Fail("`node --version` failed: install Node.js 20 or newer");
            return "node";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("`node` is not on PATH: install Node.js 20 or newer (the client tests run ethers/viem/cast scripts with it)");
            throw;
        }
    }

    private static string Require(string path, string message)
    {
        if (!File.Exists(path)) Assert.Fail(message + " (looked for " + path + ")");
        return path;
    }
}
