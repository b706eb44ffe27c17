using Lockstep.Primitives;

namespace Lockstep.Differential.Tests;

/// <summary>Runs a case on both engines and reports every disagreement.</summary>
public static class Differ
{
    /// <summary>
    /// Both engines' outcomes of the last transaction and every difference over all of the case's transactions
    /// (empty when they agree).
    /// </summary>
    public static async Task<(Outcome Ours, Outcome Theirs, List<string> Diff)> CompareAsync(DiffCase c)
    {
        List<Outcome> theirs = await NethereumRunner.RunSequenceAsync(c);
        // Dump in our state every slot Nethereum ended with, so a storage difference shows slot by slot.
        var slots = new Dictionary<Address, IEnumerable<UInt256>>();
        foreach (Outcome o in theirs)
            foreach ((Address a, AccountDump d) in o.Accounts)
                slots[a] = slots.TryGetValue(a, out IEnumerable<UInt256>? k) ? k.Union(d.Storage.Keys).ToList() : d.Storage.Keys.ToList();
        List<Outcome> ours = LockstepRunner.RunSequence(c, slots);
        var diff = new List<string>();
        for (int i = 0; i < ours.Count; i++)
        {
            List<string> d = Outcome.Diff(ours[i], theirs[i], compareOutput: c.To is not null);
            if (d.Count == 0) continue;
            if (ours.Count > 1) diff.Add($"transaction {i}: ours {ours[i]}\n  nethereum {theirs[i]}");
            diff.AddRange(d);
        }
        return (ours[^1], theirs[^1], diff);
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
