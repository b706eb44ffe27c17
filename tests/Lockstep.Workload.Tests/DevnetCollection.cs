namespace Lockstep.Workload.Tests;

/// <summary>
/// The tests that run whole devnets in this process (the soak, bench runs, restarts) run one after another: the soak
/// measures the process's managed heap round after round, which another devnet growing beside it would inflate (seen:
/// 22 -> 56 MB with two bench runs in parallel), and two devnets side by side only slow each other on 2 cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DevnetCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "in-process devnets";
}
