using System.Diagnostics;
using Lockstep.Testing;

// Each test starts a whole devnet (a CLI child process with N rollups) and node scripts: on a 2-core machine
// running them side by side only makes them slow and flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lockstep.Devnet.Tests;

/// <summary>
/// Finds `node`, the ethers package and the built CLI, the way tests/Lockstep.ClientTests does. Nothing is built or
/// installed here: a missing program fails the test with a message saying how to get it.
/// </summary>
internal static class Toolchain
{
    /// <summary>tests/js/devnet, where the devnet scripts live.</summary>
    public static string ScriptsDir { get; } = Path.Combine(RepoPaths.Root, "tests", "js", "devnet");

    /// <summary>
    /// The built CLI: LOCKSTEP_CLI_DLL if set, else the newest of src/Lockstep.Cli/bin/{Release,Debug}/net10.0/lockstep.dll.
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

    /// <summary>`node` from PATH, checked once together with tools/node_modules/ethers.</summary>
    public static string Node
    {
        get
        {
            s_node ??= FindNode();
            return s_node;
        }
    }

    private static string? s_node;

    private static string FindNode()
    {
        Require(Path.Combine(RepoPaths.Root, "tools", "node_modules", "ethers", "package.json"),
            "tools/node_modules/ethers is missing: run `cd tools && npm ci`");
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) Assert.Fail("`node --version` failed: install Node.js 20 or newer");
            return "node";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("`node` is not on PATH: install Node.js 20 or newer (the devnet tests run ethers scripts with it)");
            throw;
        }
    }

    private static string Require(string path, string message)
    {
        if (!File.Exists(path)) Assert.Fail(message + " (looked for " + path + ")");
        return path;
    }
}
