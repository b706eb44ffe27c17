using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Xunit.Abstractions;

namespace Lockstep.Sequencer.Tests;

public class GasTests(ITestOutputHelper output)
{
    /// <summary>The gas of a cross-rollup pair (user burn on A, 0x7F mint on B) against a plain transfer; the mint fits its fixed budget.</summary>
    [Fact]
    public void PairGas_FitsTheDeliveryBudget()
    {
        var set = new RollupSet(2);
        Superblock sb = set.Build([
            set.Call(0, 1, RollupSet.User(5), [], UInt256.One, 21_000),
            set.Call(0, 2, SystemAddresses.MintBurn, SystemCalldata.BurnEth(set.ChainIds[1], RollupSet.User(6)), UInt256.One, 200_000),
            set.Call(0, 3, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, UInt256.One, set.ChainIds[1], RollupSet.User(6)), gas: 200_000),
        ]);
        var a = sb.Blocks[0].Built.Receipts;
        var b = sb.Blocks[1].Built.Receipts;
        ulong transfer = a[0].CumulativeGasUsed, burnEth = a[1].CumulativeGasUsed - a[0].CumulativeGasUsed, burn = a[2].CumulativeGasUsed - a[1].CumulativeGasUsed;
        ulong mintEth = b[0].CumulativeGasUsed, mint = b[1].CumulativeGasUsed - b[0].CumulativeGasUsed;
        output.WriteLine($"transfer {transfer}, burnETH {burnEth} + mint {mintEth}, burn LST {burn} + mint {mint}");
        Assert.Equal(21_000UL, transfer);
        Assert.All(new[] { mintEth, mint }, g => Assert.InRange(g, 1UL, CrossRollupMessage.MintDeliveryGas));
    }
}
