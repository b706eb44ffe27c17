using System.Net.Http.Json;
using System.Text.Json;

namespace Lockstep.Explorer.Tests;

[Collection(DevnetCollection.Name)]
public class ExplorerApiTests(DevnetFixture f)
{
    private async Task<JsonElement> StateAsync() =>
        await f.Http.GetFromJsonAsync<JsonElement>(new Uri(f.Devnet.Explorer.Url, "api/state"));

    private static JsonElement Find(JsonElement array, string txHash)
    {
        foreach (JsonElement e in array.EnumerateArray())
            if (e.GetProperty("txHash").GetString() == txHash) return e;
        Assert.Fail($"{txHash} not in {array}");
        return default;
    }

    [Fact]
    public async Task State_ShowsBothRollups_AndEverySuperblockHasABlockOfEach()
    {
        JsonElement state = await StateAsync();
        JsonElement[] rollups = [.. state.GetProperty("rollups").EnumerateArray()];
        Assert.Equal(2, rollups.Length);
        Assert.Equal(["rollup-a", "rollup-b"], rollups.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal([f.ChainA, f.ChainB], rollups.Select(r => r.GetProperty("chainId").GetUInt64()));

        JsonElement[] superblocks = [.. state.GetProperty("superblocks").EnumerateArray()];
        Assert.True(superblocks.Length >= 3); // bridge, pause, the superblock that rejected the second burn
        Assert.Equal(f.Devnet.Sequencer.Height, superblocks[0].GetProperty("height").GetUInt64()); // newest first
        foreach (JsonElement sb in superblocks)
        {
            ulong height = sb.GetProperty("height").GetUInt64();
            JsonElement[] blocks = [.. sb.GetProperty("blocks").EnumerateArray()];
            Assert.Equal([f.ChainA, f.ChainB], blocks.Select(b => b.GetProperty("chainId").GetUInt64()));
            // Every block of a superblock has the superblock's height, and its hash is the one the rollup's RPC reports.
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(height, blocks[i].GetProperty("number").GetUInt64());
                JsonElement rpcBlock = await f.RpcAsync(i, "eth_getBlockByNumber", "0x" + height.ToString("x"), false);
                Assert.Equal(rpcBlock.GetProperty("hash").GetString(), blocks[i].GetProperty("hash").GetString());
                Assert.Equal(rpcBlock.GetProperty("transactions").GetArrayLength(), blocks[i].GetProperty("txCount").GetInt32());
            }
        }
    }

    [Fact]
    public async Task BridgedTransfer_IsOneBundle_WithTheBurnOnA_AndTheMintDeliveryOnB()
    {
        JsonElement bundle = Find((await StateAsync()).GetProperty("bundles"), f.BridgeTx.ToString());
        Assert.Equal("included", bundle.GetProperty("status").GetString());
        JsonElement[] legs = [.. bundle.GetProperty("legs").EnumerateArray()];
        Assert.Equal(2, legs.Length);
        Assert.Equal(f.ChainA, legs[0].GetProperty("chainId").GetUInt64());
        Assert.Equal(0, legs[0].GetProperty("depth").GetInt32());
        Assert.Equal(f.BridgeTx.ToString(), legs[0].GetProperty("txHash").GetString());
        Assert.Equal(f.ChainB, legs[1].GetProperty("chainId").GetUInt64());
        Assert.Equal(1, legs[1].GetProperty("depth").GetInt32());
        Assert.Equal(f.ChainA, legs[1].GetProperty("sourceChainId").GetUInt64());
        Assert.Equal(0UL, legs[1].GetProperty("messageNonce").GetUInt64()); // the first message A -> B

        // The delivery leg is a real transaction of B: its receipt succeeded, in the bundle's superblock.
        JsonElement receipt = await f.RpcAsync(1, "eth_getTransactionReceipt", legs[1].GetProperty("txHash").GetString()!);
        Assert.Equal("0x1", receipt.GetProperty("status").GetString());
        Assert.Equal(bundle.GetProperty("superblock").GetUInt64(), Convert.ToUInt64(receipt.GetProperty("blockNumber").GetString(), 16));
    }

    [Fact]
    public async Task RejectedBurn_IsListedWithTheMintsRevertReason_AndLeftNoTrace()
    {
        JsonElement rejected = Find((await StateAsync()).GetProperty("rejected"), f.RejectedTx.ToString());
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal(f.ChainA, rejected.GetProperty("chainId").GetUInt64());
        // CrossRollupToken.bridgeMint reverts MintPaused() (selector 0xd7d248ba per `cast sig`) on the paused rollup.
        string reason = rejected.GetProperty("reason").GetString()!;
        Assert.True(reason.Contains("MintPaused") || reason.Contains("0xd7d248ba"), reason);
        Assert.Equal(f.ChainB, rejected.GetProperty("failedLeg").GetProperty("chainId").GetUInt64());
        Assert.Equal(1, rejected.GetProperty("failedLeg").GetProperty("depth").GetInt32());
        Assert.Equal(JsonValueKind.Null, (await f.RpcAsync(0, "eth_getTransactionByHash", f.RejectedTx.ToString())).ValueKind);
    }
}
