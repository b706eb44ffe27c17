using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Rpc.Tests;

/// <summary>eth_feeHistory, eth_gasPrice, eth_maxPriorityFeePerGas and the eth_getLogs range limit.</summary>
public sealed class FeeAndLimitTests : IAsyncLifetime
{
    private static readonly Address Recipient = Address.FromHex("0x000000000000000000000000000000000000beef");
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.Start(options: new RpcServerOptions { MaxLogBlockRange = 2 });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    // EIP-1559 base fee update, written out from the EIP's pseudo-code (not our FeeRules).
    private static UInt256 NextBaseFee(UInt256 baseFee, ulong gasUsed, ulong gasLimit)
    {
        ulong target = gasLimit / 2;
        if (gasUsed == target) return baseFee;
        if (gasUsed > target)
        {
            UInt256 delta = baseFee * new UInt256(gasUsed - target) / new UInt256(target) / new UInt256(8);
            return baseFee + (delta.IsZero ? UInt256.One : delta);
        }
        return baseFee - baseFee * new UInt256(target - gasUsed) / new UInt256(target) / new UInt256(8);
    }

    [Fact]
    public async Task FeeHistory_reports_base_fees_ratios_and_tip_percentiles()
    {
        for (ulong n = 0; n < 3; n++) await _node.SendAndWait(_node.Sign(0, Recipient, 1, n, tip: 2_000_000_000));
        JsonElement history = await _node.Client.Call("eth_feeHistory", "0x3", "latest", new[] { 10.0, 50.0, 90.0 });
        Assert.Equal(1UL, history.GetProperty("oldestBlock").U64());
        JsonElement baseFees = history.GetProperty("baseFeePerGas");
        Assert.Equal(4, baseFees.GetArrayLength());
        for (int i = 0; i < 3; i++)
        {
            JsonElement block = await _node.Client.Call("eth_getBlockByNumber", "0x" + (i + 1).ToString("x"), false);
            Assert.Equal(block.Str("baseFeePerGas"), baseFees[i].GetString());
            Assert.Equal(21000.0 / 30_000_000, history.GetProperty("gasUsedRatio")[i].GetDouble(), 12);
            // One transaction paying a 2 gwei tip (below maxFee - baseFee): every percentile is that tip.
            foreach (JsonElement reward in history.GetProperty("reward")[i].EnumerateArray()) Assert.Equal(2_000_000_000UL, reward.U64());
        }
        JsonElement latest = await _node.Client.Call("eth_getBlockByNumber", "latest", false);
        UInt256 next = NextBaseFee(latest.GetProperty("baseFeePerGas").U256(), latest.GetProperty("gasUsed").U64(), latest.GetProperty("gasLimit").U64());
        Assert.Equal(next, baseFees[3].U256());
        // eth_gasPrice = next base fee + suggested tip (1 gwei by default).
        Assert.Equal(next + new UInt256(1_000_000_000), (await _node.Client.Call("eth_gasPrice")).U256());
        Assert.Equal(1_000_000_000UL, (await _node.Client.Call("eth_maxPriorityFeePerGas")).U64());
        Assert.Equal(-32602, (await _node.Client.Fails("eth_feeHistory", "0x2", "latest", new[] { 90.0, 10.0 })).Code);
    }

    [Fact]
    public async Task GetLogs_over_the_block_range_limit_is_a_clear_error()
    {
        for (ulong n = 0; n < 3; n++) await _node.SendAndWait(_node.Sign(1, Recipient, 1, n));
        RpcError e = await _node.Client.Fails("eth_getLogs", new { fromBlock = "0x0", toBlock = "latest" });
        Assert.Equal(-32005, e.Code);
        Assert.Contains("block range", e.RpcMessage);
        Assert.Equal(0, (await _node.Client.Call("eth_getLogs", new { fromBlock = "0x2", toBlock = "0x3" })).GetArrayLength());
        Assert.Equal(-32602, (await _node.Client.Fails("eth_getLogs", new { fromBlock = "0x3", toBlock = "0x1" })).Code);
    }
}
