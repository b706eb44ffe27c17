using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Rpc.Tests;

/// <summary>eth_subscribe over WebSocket: newHeads, logs with a filter, unsubscribe, the per-connection limit.</summary>
public sealed class WebSocketTests : IAsyncLifetime
{
    private static readonly Address Recipient = Address.FromHex("0x000000000000000000000000000000000000beef");
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.Start(options: new RpcServerOptions { MaxSubscriptionsPerConnection = 3 });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task<ClientWebSocket> Connect()
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(_node.Server.WebSocketUrl, CancellationToken.None);
        return ws;
    }

    private static async Task Send(ClientWebSocket ws, string json) =>
        await ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> Receive(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) break;
        }
        using JsonDocument doc = JsonDocument.Parse(message.ToArray());
        return doc.RootElement.Clone();
    }

    private static async Task<string> Subscribe(ClientWebSocket ws, int id, string args)
    {
        await Send(ws, $$"""{"jsonrpc":"2.0","id":{{id}},"method":"eth_subscribe","params":{{args}}}""");
        JsonElement response = await Receive(ws);
        Assert.Equal(id, response.GetProperty("id").GetInt32());
        return response.GetProperty("result").GetString()!;
    }

    [Fact]
    public async Task NewHeads_notifies_each_block_with_its_header()
    {
        using ClientWebSocket ws = await Connect();
        string sub = await Subscribe(ws, 1, """["newHeads"]""");
        Assert.StartsWith("0x", sub);
        JsonElement receipt = await _node.SendAndWait(_node.Sign(0, Recipient, 5, 0));
        JsonElement note = await Receive(ws);
        Assert.Equal("eth_subscription", note.GetProperty("method").GetString());
        Assert.Equal(sub, note.GetProperty("params").GetProperty("subscription").GetString());
        JsonElement head = note.GetProperty("params").GetProperty("result");
        Assert.Equal(receipt.Str("blockHash"), head.Str("hash"));
        Assert.Equal(receipt.Str("blockNumber"), head.Str("number"));

        // Requests work on the same socket, and unsubscribe answers true once, then false.
        await Send(ws, """{"jsonrpc":"2.0","id":7,"method":"eth_blockNumber"}""");
        Assert.Equal(receipt.Str("blockNumber"), (await Receive(ws)).Str("result"));
        await Send(ws, $$"""{"jsonrpc":"2.0","id":8,"method":"eth_unsubscribe","params":["{{sub}}"]}""");
        Assert.True((await Receive(ws)).GetProperty("result").GetBoolean());
        await Send(ws, $$"""{"jsonrpc":"2.0","id":9,"method":"eth_unsubscribe","params":["{{sub}}"]}""");
        Assert.False((await Receive(ws)).GetProperty("result").GetBoolean());
    }

    [Fact]
    public async Task Logs_subscription_delivers_only_matching_logs()
    {
        // LOG1 contract: PUSH32 topic PUSH1 0 PUSH1 0 LOG1 STOP as runtime, deployed by a tiny init code.
        string topic = "0x" + new string('a', 64);
        byte[] runtime = [0x7f, .. Hex.Decode(topic), 0x60, 0x00, 0x60, 0x00, 0xa1, 0x00];
        // init: PUSH1 len PUSH1 12 PUSH1 0 CODECOPY PUSH1 len PUSH1 0 RETURN, then the runtime.
        byte[] init = [0x60, (byte)runtime.Length, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, (byte)runtime.Length, 0x60, 0x00, 0xf3, .. runtime];
        JsonElement deploy = await _node.SendAndWait(_node.Sign(1, null, 0, 0, init, gas: 200_000));
        string emitter = deploy.Str("contractAddress");

        using ClientWebSocket ws = await Connect();
        string matching = await Subscribe(ws, 1, $$"""["logs",{"address":"{{emitter}}","topics":["{{topic}}"]}]""");
        await Subscribe(ws, 2, $$"""["logs",{"topics":["0x{{new string('b', 64)}}"]}]""");
        JsonElement receipt = await _node.SendAndWait(_node.Sign(1, Address.FromHex(emitter), 0, 1));
        JsonElement note = await Receive(ws);
        Assert.Equal(matching, note.GetProperty("params").GetProperty("subscription").GetString());
        JsonElement log = note.GetProperty("params").GetProperty("result");
        Assert.Equal(emitter, log.Str("address"));
        Assert.Equal(topic, log.GetProperty("topics")[0].GetString());
        Assert.Equal(receipt.Str("transactionHash"), log.Str("transactionHash"));
        // The non-matching subscription sent nothing: the next message is the answer to this request.
        await Send(ws, """{"jsonrpc":"2.0","id":5,"method":"eth_chainId"}""");
        Assert.Equal(5, (await Receive(ws)).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task An_oversized_message_gets_an_error_and_the_server_keeps_serving()
    {
        await using TestNode small = await TestNode.Start(options: new RpcServerOptions { MaxRequestBytes = 4096 });
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(small.Server.WebSocketUrl, CancellationToken.None);
        await Send(ws, $$"""{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0x{{new string('a', 10_000)}}"]}""");
        JsonElement error = (await Receive(ws)).GetProperty("error");
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Contains("too large", error.GetProperty("message").GetString());
        Assert.Equal(31337UL, (await small.Client.Call("eth_chainId")).U64());
    }

    [Fact]
    public async Task Subscriptions_per_connection_are_limited()
    {
        using ClientWebSocket ws = await Connect();
        for (int i = 0; i < 3; i++) await Subscribe(ws, i, """["newHeads"]""");
        await Send(ws, """{"jsonrpc":"2.0","id":99,"method":"eth_subscribe","params":["newHeads"]}""");
        JsonElement error = (await Receive(ws)).GetProperty("error");
        Assert.Equal(-32005, error.GetProperty("code").GetInt32());
        await Send(ws, """{"jsonrpc":"2.0","id":100,"method":"eth_subscribe","params":["nonsense"]}""");
        Assert.Equal(-32602, (await Receive(ws)).GetProperty("error").GetProperty("code").GetInt32());
        await Send(ws, "{not json");
        Assert.Equal(-32700, (await Receive(ws)).GetProperty("error").GetProperty("code").GetInt32());
    }
}
