using Lockstep.Testing;

// Each test starts a whole devnet (a CLI child process with N rollups) and node scripts: on a 2-core machine
// running them side by side only makes them slow and flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lockstep.Devnet.Tests;

/// <summary>Where the devnet tests find their scripts, `node` and the CLI (tests/Shared/ExternalTools.cs).</summary>
internal static class Toolchain
{
    /// <summary>tests/js/devnet, where the devnet scripts live.</summary>
    public static string ScriptsDir { get; } = Path.Combine(RepoPaths.Root, "tests", "js", "devnet");

    /// <summary>The built CLI (<see cref="ExternalTools.LockstepDll"/>).</summary>
    public static string LockstepDll => ExternalTools.LockstepDll;

    /// <summary>`node` from PATH, checked once together with tools/node_modules/ethers.</summary>
    public static string Node => ExternalTools.Node("the devnet tests run ethers scripts with it");
}
