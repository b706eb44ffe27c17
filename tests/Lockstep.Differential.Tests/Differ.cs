using Lockstep.Primitives;

namespace Lockstep.Differential.Tests;

/// <summary>Runs a case on both engines and reports every disagreement.</summary>
public static class Differ
{
    /// <summary>Both outcomes and their differences (empty when the engines agree).</summary>
    public static async Task<(Outcome Ours, Outcome Theirs, List<string> Diff)> CompareAsync(DiffCase c)
    {
        Outcome theirs = await NethereumRunner.RunAsync(c);
        // Dump in our state every slot Nethereum ended with, so a storage difference shows slot by slot.
        var slots = new Dictionary<Address, IEnumerable<UInt256>>();
        foreach ((Address a, AccountDump d) in theirs.Accounts) slots[a] = d.Storage.Keys;
        Outcome ours = LockstepRunner.Run(c, slots);
        return (ours, theirs, Outcome.Diff(ours, theirs, compareOutput: c.To is not null));
    }

    /// <summary>Fails with a readable diff unless both engines agree on status, gas, output, logs and state.</summary>
    public static async Task<Outcome> AssertAgreeAsync(DiffCase c)
    {
        (Outcome ours, Outcome theirs, List<string> diff) = await CompareAsync(c);
        if (diff.Count > 0)
            Assert.Fail($"{c.Name}: engines disagree\n  ours:      {ours}\n  nethereum: {theirs}\n" + string.Join("\n", diff));
        return ours;
    }
}
