using Lockstep.Devnet;
using Lockstep.Sequencer;

namespace Lockstep.Devnet.Tests;

/// <summary>The text form of `--inject-fault` covers every kind the fault injector knows, and reads back what it writes.</summary>
public sealed class DevnetFaultsTests
{
    [Fact]
    public void EveryFaultKindHasANameThatRoundTrips()
    {
        FaultKind[] kinds = Enum.GetValues<FaultKind>();
        Assert.Equal(kinds.Length, DevnetFaults.KindNames.Count);
        foreach (FaultKind kind in kinds)
        {
            var fault = new InjectedFault(kind, 3, 902);
            string text = DevnetFaults.Format([fault]);
            InjectedFault back = Assert.Single(DevnetFaults.Parse(text));
            Assert.Equal(kind, back.Kind);
            Assert.Equal(3UL, back.Height);
            Assert.Equal(902UL, back.ChainId);
            Assert.Contains(DevnetFaults.KindNames[(int)kind], DevnetFaults.Syntax, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownKindsAndGenesisHeightAreRefused()
    {
        Assert.Contains("unknown kind 'explode'", Assert.Throws<ArgumentException>(() => DevnetFaults.Parse("explode@3")).Message);
        Assert.Throws<ArgumentException>(() => DevnetFaults.Parse("skip-fold@0"));
        Assert.Equal(FaultKind.SkipFold, Assert.Single(DevnetFaults.Parse("Skip-Fold@1")).Kind);
    }
}
