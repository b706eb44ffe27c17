using Lockstep.Primitives;
using Xunit.Abstractions;

namespace Lockstep.Settlement.Tests;

/// <summary>L1 gas and calldata per superbatch on anvil for 2, 4 and 8 rollups (docs/benchmarks.md, "L1 settlement").</summary>
public class GasByRollupsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Gas_per_superbatch_for_2_4_and_8_rollups()
    {
        var fixedCost = new List<ulong>();
        foreach (int rollups in new[] { 2, 4, 8 })
        {
            ulong[] ids = [.. Enumerable.Range(0, rollups).Select(i => 901UL + (ulong)i)];
            using var l1 = new AnvilSettlement(ids);
            L2Set set = l1.Set;
            using var poster = l1.Poster();
            foreach (int n in new[] { 0, 10, 60 })
            {
                for (int r = 0; r < rollups; r++)
                    for (int k = 0; k < n; k++) set.Send(r, 0, set.Users[1].Address, new UInt256(1000 + (ulong)k));
                set.Sequencer.BuildNext(1_700_000_000 + set.Sequencer.Height + 1);
                PostedSuperbatch s = (await poster.PostNextAsync())!;
                Assert.True(s.Receipt.Succeeded);
                Assert.Equal(rollups * n, s.UserTransactions);
                int compressed = 0;
                for (int r = 0; r < rollups; r++) compressed += BatchEncoding.Encode([set.Block(r, s.LastHeight)]).Length;
                string perTx = n == 0 ? "-" : $"{(double)compressed / s.UserTransactions:F1} | {(double)s.Receipt.GasUsed / s.UserTransactions:F0}";
                output.WriteLine($"| {rollups} | {n} | {s.UserTransactions} | {s.Receipt.GasUsed:N0} | {s.CalldataBytes:N0} | {compressed:N0} | {perTx} |");
                if (n == 0) fixedCost.Add(s.Receipt.GasUsed);
            }
        }
        // More rollups cost more per empty superbatch (a root slot, a commitment and a batch each).
        Assert.True(fixedCost[0] < fixedCost[1] && fixedCost[1] < fixedCost[2]);
    }
}
