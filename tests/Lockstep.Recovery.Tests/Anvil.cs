using System.Diagnostics;
using Lockstep.Testing;

namespace Lockstep.Recovery.Tests;

/// <summary>anvil 1.7.1 (npm, revm) on a free loopback port with automine and Cancun rules: the independent L1
/// (<see cref="AnvilLauncher"/>; 11 funded dev accounts: the arbiter is account 10).</summary>
internal sealed class Anvil : IDisposable
{
    private readonly Process _process;

    public Uri Url { get; }

    public Anvil() => (_process, Url) = AnvilLauncher.Start(0, "--accounts", "11", "--gas-limit", "30000000");

    public void Dispose() => AnvilLauncher.Stop(_process);
}
