namespace Lockstep.Differential.Tests;

/// <summary>Every hand-written contract gives the same status, gas, output, logs and state on both engines.</summary>
public class HandWrittenTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (DiffCase c in HandWrittenCases.All().Concat(HandWrittenCases.Transactions()).Concat(HandWrittenCases.Sequences()).Concat(HandWrittenCases.Precompiles()).Concat(HandWrittenCases.PrecompileTransactions()).Concat(HandWrittenCases.Lifecycle())) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EnginesAgree(string name)
    {
        DiffCase c = HandWrittenCases.All().Concat(HandWrittenCases.Transactions()).Concat(HandWrittenCases.Sequences()).Concat(HandWrittenCases.Precompiles()).Concat(HandWrittenCases.PrecompileTransactions()).Concat(HandWrittenCases.Lifecycle()).First(x => x.Name == name);
        await Differ.AssertAgreeAsync(c);
    }
}
