using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Transactions;

namespace Lockstep.Rpc.Tests;

/// <summary>eth_sendRawTransaction, receipts, transactions and blocks over HTTP, and the pool's refusals.</summary>
public sealed class TransactionTests : IAsyncLifetime
{
    private static readonly Address Recipient = Address.FromHex("0x000000000000000000000000000000000000beef");
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.Start();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_transfer_is_mined_and_its_receipt_block_and_balances_agree()
    {
        UInt256 value = UInt256.Parse("1000000000000000000");
        string raw = _node.Sign(0, Recipient, value, 0);
        JsonElement receipt = await _node.SendAndWait(raw);
        string hash = receipt.Str("transactionHash");
        // The hash is keccak256 of the EIP-2718 envelope (EIP-2718), computed here with Nethereum's keccak.
        Assert.Equal(Hex.Encode(new Nethereum.Util.Sha3Keccack().CalculateHash(Hex.Decode(raw))), hash);

        Assert.Equal("0x1", receipt.Str("status"));
        Assert.Equal("0x2", receipt.Str("type"));
        Assert.Equal(21000UL, receipt.GetProperty("gasUsed").U64());
        Assert.Equal(21000UL, receipt.GetProperty("cumulativeGasUsed").U64());
        Assert.Equal(TestNode.Accounts[0].Address.ToString(), receipt.Str("from"));
        Assert.Equal(Recipient.ToString(), receipt.Str("to"));
        Assert.Equal(JsonValueKind.Null, receipt.GetProperty("contractAddress").ValueKind);
        Assert.Equal(0, receipt.GetProperty("logs").GetArrayLength());
        Assert.Equal("0x0", receipt.Str("transactionIndex"));

        JsonElement block = await _node.Client.Call("eth_getBlockByNumber", receipt.Str("blockNumber"), false);
        Assert.Equal(receipt.Str("blockHash"), block.Str("hash"));
        Assert.Equal(hash, block.GetProperty("transactions")[0].GetString());
        // EIP-1559: the price paid is min(maxFee, baseFee + tip) with the block's base fee.
        UInt256 baseFee = block.GetProperty("baseFeePerGas").U256();
        UInt256 price = baseFee + new UInt256(1_000_000_000);
        Assert.Equal(price, receipt.GetProperty("effectiveGasPrice").U256());

        JsonElement full = await _node.Client.Call("eth_getBlockByHash", block.Str("hash"), true);
        JsonElement tx = full.GetProperty("transactions")[0];
        Assert.Equal(hash, tx.Str("hash"));
        Assert.Equal(TestNode.Accounts[0].Address.ToString(), tx.Str("from"));
        Assert.Equal(value, tx.GetProperty("value").U256());
        Assert.Equal("0x0", tx.Str("nonce"));

        JsonElement byHash = await _node.Client.Call("eth_getTransactionByHash", hash);
        Assert.Equal(block.Str("hash"), byHash.Str("blockHash"));
        JsonElement byIndex = await _node.Client.Call("eth_getTransactionByBlockNumberAndIndex", receipt.Str("blockNumber"), "0x0");
        Assert.Equal(hash, byIndex.Str("hash"));
        Assert.Equal(1UL, (await _node.Client.Call("eth_getBlockTransactionCountByHash", block.Str("hash"))).U64());

        // Balances: the recipient got the value; the sender paid value + 21000 * price (dev genesis: 10000 ETH).
        Assert.Equal(value, (await _node.Client.Call("eth_getBalance", Recipient.ToString(), "latest")).U256());
        UInt256 expected = UInt256.Parse("10000000000000000000000") - value - new UInt256(21000) * price;
        Assert.Equal(expected, (await _node.Client.Call("eth_getBalance", TestNode.Accounts[0].Address.ToString(), "latest")).U256());
        // The balance before the block is still readable (historical state), by number and by EIP-1898 hash object.
        Assert.Equal(UInt256.Zero, (await _node.Client.Call("eth_getBalance", Recipient.ToString(), "0x0")).U256());
        JsonElement genesis = await _node.Client.Call("eth_getBlockByNumber", "earliest", false);
        Assert.Equal(UInt256.Zero, (await _node.Client.Call("eth_getBalance", Recipient.ToString(), new { blockHash = genesis.Str("hash") })).U256());
        Assert.Equal(1UL, (await _node.Client.Call("eth_getTransactionCount", TestNode.Accounts[0].Address.ToString(), "latest")).U64());
    }

    [Fact]
    public async Task SendTransaction_signs_for_an_unlocked_dev_account_only()
    {
        string from = TestNode.Accounts[0].Address.ToString();
        string hash = (await _node.Client.Call("eth_sendTransaction", new { from, to = Recipient.ToString(), value = "0x2a" })).GetString()!;
        JsonElement receipt = await _node.WaitForReceipt(hash);
        Assert.Equal("0x1", receipt.Str("status"));
        Assert.Equal(from, receipt.Str("from"));
        Assert.Equal(21000UL, receipt.GetProperty("gasUsed").U64());
        JsonElement tx = await _node.Client.Call("eth_getTransactionByHash", hash);
        Assert.Equal("0x2", tx.Str("type"));
        Assert.Equal(21000UL, tx.GetProperty("gas").U64());
        // Account 1 is funded but its key is not unlocked in this node.
        RpcError e = await _node.Client.Fails("eth_sendTransaction", new { from = TestNode.Accounts[1].Address.ToString(), to = Recipient.ToString(), value = "0x1" });
        Assert.Equal(-32000, e.Code);
        Assert.Contains("unknown account", e.RpcMessage);
    }

    [Fact]
    public async Task Pending_nonce_counts_pooled_transactions()
    {
        await using TestNode manual = await TestNode.Start(Node.ProductionMode.Manual);
        string from = TestNode.Accounts[1].Address.ToString();
        await manual.Client.Call("eth_sendRawTransaction", manual.Sign(1, Recipient, 1, 0));
        await manual.Client.Call("eth_sendRawTransaction", manual.Sign(1, Recipient, 1, 1));
        Assert.Equal(2UL, (await manual.Client.Call("eth_getTransactionCount", from, "pending")).U64());
        Assert.Equal(0UL, (await manual.Client.Call("eth_getTransactionCount", from, "latest")).U64());
        // A pooled transaction is found by hash, without a block.
        string pendingHash = (await manual.Client.Call("eth_sendRawTransaction", manual.Sign(1, Recipient, 1, 2))).GetString()!;
        JsonElement pending = await manual.Client.Call("eth_getTransactionByHash", pendingHash);
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("blockHash").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await manual.Client.Call("eth_getTransactionReceipt", pendingHash)).ValueKind);

        await manual.Client.Call("evm_mine");
        JsonElement block = await manual.Client.Call("eth_getBlockByNumber", "latest", true);
        Assert.Equal(3, block.GetProperty("transactions").GetArrayLength());
        Assert.Equal(3UL, (await manual.Client.Call("eth_getTransactionCount", from, "latest")).U64());
        Assert.NotEqual(JsonValueKind.Null, (await manual.Client.Call("eth_getTransactionReceipt", pendingHash)).ValueKind);
    }

    [Fact]
    public async Task Pool_rejections_are_minus_32000_with_the_pool_message_and_change_nothing()
    {
        await _node.SendAndWait(_node.Sign(2, Recipient, 1, 0));

        RpcError nonce = await _node.Client.Fails("eth_sendRawTransaction", _node.Sign(2, Recipient, 1, 0));
        Assert.Equal(-32000, nonce.Code);
        Assert.Contains("nonce too low", nonce.RpcMessage);

        RpcError chain = await _node.Client.Fails("eth_sendRawTransaction", _node.Sign(2, Recipient, 1, 1, chainId: 1));
        Assert.Equal(-32000, chain.Code);
        Assert.Contains("chain id", chain.RpcMessage);

        // A signature with s = 0 recovers no sender.
        byte[] good = Hex.Decode(_node.Sign(2, Recipient, 1, 1));
        Transaction decoded = TransactionDecoder.Decode(good);
        string badSig = Hex.Encode(decoded.WithSignature(decoded.V, decoded.R, UInt256.Zero).Encode());
        RpcError sig = await _node.Client.Fails("eth_sendRawTransaction", badSig);
        Assert.Equal(-32000, sig.Code);

        RpcError malformed = await _node.Client.Fails("eth_sendRawTransaction", "0x02c0ffee");
        Assert.Equal(-32000, malformed.Code);

        // geth's txMaxSize is 128 KiB: a 140 KB call data transaction is oversized.
        RpcError big = await _node.Client.Fails("eth_sendRawTransaction", _node.Sign(2, Recipient, 1, 1, data: new byte[140_000], gas: 5_000_000));
        Assert.Equal(-32000, big.Code);
        Assert.Contains("oversized", big.RpcMessage);

        RpcError funds = await _node.Client.Fails("eth_sendRawTransaction", _node.Sign(2, Recipient, UInt256.Parse("20000000000000000000000"), 1));
        Assert.Contains("insufficient funds", funds.RpcMessage);

        Assert.Equal(1UL, (await _node.Client.Call("eth_getTransactionCount", TestNode.Accounts[2].Address.ToString(), "pending")).U64());
        // Still accepting good transactions afterwards.
        JsonElement receipt = await _node.SendAndWait(_node.Sign(2, Recipient, 1, 1));
        Assert.Equal("0x1", receipt.Str("status"));
    }

    [Fact]
    public async Task Many_transactions_from_several_senders_are_all_mined_in_nonce_order()
    {
        var hashes = new List<string>();
        for (ulong n = 0; n < 20; n++)
            for (int s = 0; s < 3; s++)
                hashes.Add((await _node.Client.Call("eth_sendRawTransaction", _node.Sign(s, Recipient, 1, n))).GetString()!);
        foreach (string h in hashes) Assert.Equal("0x1", (await _node.WaitForReceipt(h)).Str("status"));
        Assert.Equal(new UInt256(60), (await _node.Client.Call("eth_getBalance", Recipient.ToString(), "latest")).U256());
        for (int s = 0; s < 3; s++)
            Assert.Equal(20UL, (await _node.Client.Call("eth_getTransactionCount", TestNode.Accounts[s].Address.ToString(), "latest")).U64());
    }
}
