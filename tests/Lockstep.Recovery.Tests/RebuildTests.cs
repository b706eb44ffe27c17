using System.Diagnostics;
using Lockstep.Primitives;
using Lockstep.Sequencer;

namespace Lockstep.Recovery.Tests;

/// <summary>
/// The rebuild is deterministic: rewinding an honest set and rebuilding it from the recorded selections reproduces
/// the very same blocks (hashes). Also prints how long a recovery of many superblocks takes (wall and process CPU).
/// </summary>
public class RebuildTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Rewinding_an_honest_set_and_rebuilding_it_reproduces_the_same_blocks()
    {
        const int superblocks = 20, transfersPerRollup = 50;
        await using RecoverySet s = RecoverySet.Open();
        var rng = new Random(7);
        for (ulong h = 1; h <= superblocks; h++)
        {
            for (int k = 0; k < transfersPerRollup; k++)
            {
                int user = RecoverySet.Users[k % RecoverySet.Users.Length];
                s.Send(0, user, RecoverySet.Accounts[RecoverySet.Users[rng.Next(5)]].Address, new UInt256((ulong)rng.Next(1, 1_000)));
                s.Send(1, user, RecoverySet.Accounts[RecoverySet.Users[rng.Next(5)]].Address, new UInt256((ulong)rng.Next(1, 1_000)));
            }
            s.Set.BuildNext(RecoverySet.GenesisTime + h);
        }
        var before = new List<Hash256>();
        foreach (var c in s.Set.Chains) for (ulong n = 1; n <= superblocks; n++) before.Add(c.GetBlock(n)!.Hash);

        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        RecoveryReport report = s.Set.RecoverTo(0);
        wall.Stop();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;

        Assert.Equal(superblocks, report.Rebuilt.Count);
        Assert.Equal(superblocks * transfersPerRollup * 2, report.Reincluded);
        Assert.Empty(report.Dropped);
        var after = new List<Hash256>();
        foreach (var c in s.Set.Chains) for (ulong n = 1; n <= superblocks; n++) after.Add(c.GetBlock(n)!.Hash);
        Assert.Equal(before, after);
        output.WriteLine($"recovery of {superblocks} superblocks x 2 rollups ({report.Reincluded} transactions): wall {wall.Elapsed.TotalMilliseconds:F0} ms, process CPU {cpu.TotalMilliseconds:F0} ms");
    }
}
