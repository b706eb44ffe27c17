using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Rpc.Tests;

/// <summary>A node reopened on the same RocksDB directory resumes its head, state, receipts and nonces.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Restart_resumes_head_state_and_receipts()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lockstep-rpc-restart-" + Guid.NewGuid().ToString("N"));
        var recipient = Address.FromHex("0x0000000000000000000000000000000000001234");
        try
        {
            string head, lastHash, stateRoot;
            await using (TestNode first = await TestNode.Start(dataDir: dir))
            {
                JsonElement receipt = default;
                for (ulong n = 0; n < 3; n++) receipt = await first.SendAndWait(first.Sign(0, recipient, 100 + n, n));
                lastHash = receipt.Str("transactionHash");
                JsonElement block = await first.Client.Call("eth_getBlockByNumber", "latest", false);
                head = block.Str("hash");
                stateRoot = block.Str("stateRoot");
            }
            await using (TestNode second = await TestNode.Start(dataDir: dir))
            {
                JsonElement block = await second.Client.Call("eth_getBlockByNumber", "latest", false);
                Assert.Equal(head, block.Str("hash"));
                Assert.Equal(stateRoot, block.Str("stateRoot"));
                Assert.Equal(new UInt256(303), (await second.Client.Call("eth_getBalance", recipient.ToString(), "latest")).U256());
                Assert.Equal("0x1", (await second.Client.Call("eth_getTransactionReceipt", lastHash)).Str("status"));
                Assert.Equal(3UL, (await second.Client.Call("eth_getTransactionCount", TestNode.Accounts[0].Address.ToString(), "pending")).U64());
                JsonElement next = await second.SendAndWait(second.Sign(0, recipient, 1, 3));
                Assert.Equal(head, (await second.Client.Call("eth_getBlockByHash", next.Str("blockHash"), false)).Str("parentHash"));
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
