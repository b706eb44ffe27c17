using Xunit.Abstractions;

namespace Lockstep.Settlement.Tests;

/// <summary>L1 gas and calldata per superbatch on anvil, by transactions per rollup (docs/benchmarks.md, "L1 settlement").</summary>
public class GasMeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Gas_and_calldata_per_superbatch_grow_with_transactions_and_compression_pays()
    {
        using var l1 = new AnvilSettlement();
        L2Set set = l1.Set;
        using var poster = l1.Poster();
        var gas = new List<ulong>();
        foreach (int n in new[] { 1, 10, 60 })
        {
            set.Build(transfers: n);
            PostedSuperbatch s = (await poster.PostNextAsync())!;
            int raw = 0, compressed = 0;
            for (int r = 0; r < 2; r++)
            {
                raw += BatchEncoding.EncodeBlocksRlp([set.Block(r, s.LastHeight)]).Length;
                compressed += BatchEncoding.Encode([set.Block(r, s.LastHeight)]).Length;
            }
            output.WriteLine($"| 2 | {n} | {s.UserTransactions} | {s.Receipt.GasUsed} | {s.CalldataBytes} | {raw} | {compressed} | {(double)compressed / s.UserTransactions:F1} | {(double)s.Receipt.GasUsed / s.UserTransactions:F0} |");
            gas.Add(s.Receipt.GasUsed);
            if (n >= 10) Assert.True(compressed < raw, "compression shrinks a batch of similar transfers");
        }
        for (int i = 1; i < gas.Count; i++) Assert.True(gas[i] > gas[i - 1]);
    }
}
