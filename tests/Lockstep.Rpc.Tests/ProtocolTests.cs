using System.Net;
using System.Text;
using System.Text.Json;

namespace Lockstep.Rpc.Tests;

/// <summary>JSON-RPC 2.0 framing (spec: https://www.jsonrpc.org/specification) and every kind of bad input.</summary>
public sealed class ProtocolTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.Start(options: new RpcServerOptions { MaxBatchLength = 50, MaxRequestBytes = 64 * 1024 });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task StillAnswers() => Assert.Equal(31337UL, (await _node.Client.Call("eth_chainId")).U64());

    private static void AssertError(JsonElement response, int code, string messagePart)
    {
        JsonElement error = response.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Contains(messagePart, error.GetProperty("message").GetString());
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
    }

    [Fact]
    public async Task Simple_methods_answer_with_the_chain_facts()
    {
        Assert.Equal("31337", (await _node.Client.Call("net_version")).GetString());
        Assert.True((await _node.Client.Call("net_listening")).GetBoolean());
        Assert.False((await _node.Client.Call("eth_syncing")).GetBoolean());
        Assert.StartsWith("lockstep/", (await _node.Client.Call("web3_clientVersion")).GetString());
        Assert.Equal(0UL, (await _node.Client.Call("eth_blockNumber")).U64());
        JsonElement accounts = await _node.Client.Call("eth_accounts");
        Assert.Equal("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", accounts[0].GetString());
        // web3_sha3("") is keccak256 of nothing (the empty code hash of the Yellow Paper).
        Assert.Equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", (await _node.Client.Call("web3_sha3", "0x")).GetString());
    }

    [Fact]
    public async Task Batch_answers_each_request_and_skips_notifications()
    {
        (HttpStatusCode status, JsonElement body) = await _node.Client.Post("""
            [{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},
             {"jsonrpc":"2.0","method":"eth_blockNumber"},
             {"jsonrpc":"2.0","id":"x","method":"no_such_method"},
             {"jsonrpc":"2.0","id":3,"method":"net_version","params":[]}]
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetArrayLength());
        Assert.Equal(1, body[0].GetProperty("id").GetInt32());
        Assert.Equal("0x7a69", body[0].GetProperty("result").GetString());
        Assert.Equal("x", body[1].GetProperty("id").GetString());
        AssertError(body[1], -32601, "no_such_method");
        Assert.Equal("31337", body[2].GetProperty("result").GetString());
    }

    [Fact]
    public async Task A_notification_alone_gets_no_body()
    {
        (HttpStatusCode status, JsonElement body) = await _node.Client.Post("""{"jsonrpc":"2.0","method":"eth_chainId"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Undefined, body.ValueKind);
        await StillAnswers();
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"", -32700, "parse error")]
    [InlineData("not json at all", -32700, "parse error")]
    [InlineData("42", -32600, "not a JSON object")]
    [InlineData("[]", -32600, "empty batch")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}", -32600, "method")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"eth_chainId\"}", -32600, "jsonrpc")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"eth_chainId\"}", -32600, "id")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_nope\"}", -32601, "eth_nope")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":{\"a\":1}}", -32602, "array")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[]}", -32602, "argument 0")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[42]}", -32602, "address")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"0x12\"]}", -32602, "20 bytes")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\",\"yesterday\"]}", -32602, "argument 1")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"0xzz\"]}", -32602, "invalid hex")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"abcd\"]}", -32602, "0x prefix")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByNumber\",\"params\":[\"latest\",\"yes\"]}", -32602, "boolean")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getTransactionReceipt\",\"params\":[\"0x1234\"]}", -32602, "32 bytes")]
    public async Task Bad_input_gets_the_right_error_and_the_server_stays_up(string body, int code, string messagePart)
    {
        (HttpStatusCode status, JsonElement response) = await _node.Client.Post(body);
        Assert.Equal(HttpStatusCode.OK, status);
        AssertError(response, code, messagePart);
        await StillAnswers();
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_parse_error()
    {
        string body = new string('[', 5000) + new string(']', 5000);
        (HttpStatusCode _, JsonElement response) = await _node.Client.Post(body);
        AssertError(response, -32700, "parse error");
        await StillAnswers();
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused_whole()
    {
        string body = "[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"eth_chainId\"}}")) + "]";
        (HttpStatusCode _, JsonElement response) = await _node.Client.Post(body);
        AssertError(response, -32600, "batch too large");
        await StillAnswers();
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_with_a_json_rpc_error()
    {
        string padding = new('a', 70 * 1024);
        (HttpStatusCode status, JsonElement response) = await _node.Client.Post($"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"0x{padding}\"]}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        AssertError(response, -32600, "too large");
        await StillAnswers();
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_too()
    {
        using var http = new HttpClient();
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("[" + new string(' ', 100 * 1024) + "]"));
        using var content = new StreamContent(stream);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, _node.Client.Url) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await StillAnswers();
    }

    [Fact]
    public async Task Unknown_blocks_are_null_or_header_not_found()
    {
        Assert.Equal(JsonValueKind.Null, (await _node.Client.Call("eth_getBlockByNumber", "0x99", false)).ValueKind);
        Assert.Equal(JsonValueKind.Null, (await _node.Client.Call("eth_getBlockByHash", "0x" + new string('1', 64), false)).ValueKind);
        RpcError e = await _node.Client.Fails("eth_getBalance", TestNode.Accounts[0].Address.ToString(), "0x99");
        Assert.Equal(-32000, e.Code);
        Assert.Contains("header not found", e.RpcMessage);
        Assert.Equal(JsonValueKind.Null, (await _node.Client.Call("eth_getTransactionReceipt", "0x" + new string('2', 64))).ValueKind);
    }

    [Fact]
    public async Task Subscriptions_over_http_are_refused()
    {
        RpcError e = await _node.Client.Fails("eth_subscribe", "newHeads");
        Assert.Equal(-32601, e.Code);
        Assert.Contains("WebSocket", e.RpcMessage);
    }
}
