using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Workload;
using Xunit.Abstractions;

namespace Lockstep.Fuzz.Tests;

/// <summary>
/// Random JSON-RPC against a running devnet (seeded, bounded in time): known and unknown methods with random
/// parameters of every JSON type, malformed bodies, batches (empty, mixed, nested), notifications, wrong versions.
/// Every answer must be valid JSON-RPC 2.0 (JSON, "jsonrpc":"2.0", the request's id, exactly one of result/error,
/// an integer error code and a string message), and the server and the sequencer must still be up at the end.
/// </summary>
[Collection("devnet")]
public sealed class RpcFuzzTests(DevnetFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Methods =
    [
        "eth_chainId", "eth_blockNumber", "eth_getBalance", "eth_getTransactionCount", "eth_getCode", "eth_getStorageAt", "eth_call",
        "eth_estimateGas", "eth_sendRawTransaction", "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getBlockByNumber",
        "eth_getBlockByHash", "eth_getLogs", "eth_feeHistory", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_getProof",
        "eth_getBlockTransactionCountByNumber", "eth_syncing", "net_version", "web3_clientVersion", "web3_sha3", "eth_accounts",
        "eth_sendTransaction", "eth_subscribe", "lockstep_getMessageStatus", "lockstep_getSuperblock", "lockstep_rollups",
        "txpool_content", "debug_traceTransaction", "", "eth_", "ETH_CHAINID", "rpc.discover",
    ];

    [Fact]
    public async Task Random_requests_always_get_valid_json_rpc_answers_and_the_server_stays_up()
    {
        var rng = new Random(20261127);
        Uri url = fixture.Devnet.Rollups[0].Server.Url;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var watch = Stopwatch.StartNew();
        int requests = 0, errors = 0;
        while (requests < 8_000 && watch.Elapsed < TimeSpan.FromSeconds(40))
        {
            requests++;
            int shape = rng.Next(10);
            string body;
            JsonElement? expectedId = null;
            bool batch = false, malformed = false, notification = false;
            if (shape == 0)
            {
                body = Malformed(rng);
                malformed = true;
            }
            else if (shape == 1)
            {
                int n = rng.Next(0, 6);
                var items = new List<string>();
                for (int i = 0; i < n; i++) items.Add(rng.Next(4) == 0 ? RandomJson(rng, 2) : Request(rng, i, out _));
                body = "[" + string.Join(",", items) + "]";
                batch = true;
            }
            else if (shape == 2)
            {
                body = Request(rng, null, out _);
                notification = true;
            }
            else
            {
                body = Request(rng, rng.Next(3) == 0 ? $"\"id-{requests}\"" : requests.ToString(System.Globalization.CultureInfo.InvariantCulture), out string idJson);
                expectedId = JsonDocument.Parse(idJson).RootElement.Clone();
            }
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await http.PostAsync(url, content);
            string text = await response.Content.ReadAsStringAsync();
            if (notification && text.Length == 0) continue;
            if (batch && text.Length == 0) continue; // a batch of notifications only: nothing to answer (JSON-RPC 2.0, 6)
            JsonElement root;
            try { root = JsonDocument.Parse(text).RootElement; }
            catch (JsonException) { Assert.Fail($"not JSON for {Trim(body)}: HTTP {(int)response.StatusCode} {Trim(text)}"); return; }
            if (root.ValueKind == JsonValueKind.Array)
            {
                Assert.True(batch, $"an array for a non-batch request {Trim(body)}");
                Assert.NotEqual(0, root.GetArrayLength());
                foreach (JsonElement e in root.EnumerateArray()) errors += CheckResponse(e, null, body);
            }
            else
            {
                errors += CheckResponse(root, expectedId, body);
                if (malformed) Assert.True(root.TryGetProperty("error", out _), $"malformed body answered without error: {Trim(body)}");
            }
        }
        output.WriteLine($"{requests} requests in {watch.Elapsed.TotalSeconds:0.0} s, {errors} error answers");
        Assert.True(requests >= 200, $"only {requests} requests in the time budget");

        // Still up: both rollups answer and keep sealing superblocks, and nothing failed inside the sequencer.
        foreach (Devnet.DevnetRollup r in fixture.Devnet.Rollups)
        {
            using var rpc = new RpcClient(r.Server.Url);
            Assert.Equal(r.Chain.ChainId, RpcClient.Quantity(await rpc.CallAsync("eth_chainId", "[]")));
        }
        lock (fixture.Failures) Assert.Empty(fixture.Failures);
    }

    private static int CheckResponse(JsonElement e, JsonElement? expectedId, string body)
    {
        Assert.True(e.ValueKind == JsonValueKind.Object, $"answer is not an object for {Trim(body)}: {Trim(e.ToString())}");
        Assert.True(e.TryGetProperty("jsonrpc", out JsonElement v) && v.ValueKind == JsonValueKind.String && v.GetString() == "2.0", $"no jsonrpc 2.0 in {Trim(e.ToString())}");
        Assert.True(e.TryGetProperty("id", out JsonElement id), $"no id in {Trim(e.ToString())}");
        if (expectedId is { } want) Assert.Equal(want.GetRawText(), id.GetRawText());
        bool hasResult = e.TryGetProperty("result", out _);
        bool hasError = e.TryGetProperty("error", out JsonElement err);
        Assert.True(hasResult != hasError, $"exactly one of result/error expected: {Trim(e.ToString())} for {Trim(body)}");
        if (!hasError) return 0;
        Assert.True(err.TryGetProperty("code", out JsonElement code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out _), $"bad error code: {Trim(err.ToString())}");
        Assert.True(err.TryGetProperty("message", out JsonElement msg) && msg.ValueKind == JsonValueKind.String, $"bad error message: {Trim(err.ToString())}");
        return 1;
    }

    private static string Request(Random rng, object? id, out string idJson)
    {
        string method = rng.Next(8) == 0 ? RandomString(rng) : Methods[rng.Next(Methods.Length)];
        var parts = new List<string>();
        if (rng.Next(20) != 0) parts.Add(rng.Next(15) == 0 ? "\"jsonrpc\":\"1.0\"" : "\"jsonrpc\":\"2.0\"");
        parts.Add("\"method\":" + JsonSerializer.Serialize(method));
        int p = rng.Next(6);
        if (p == 0) { }
        else if (p == 1) parts.Add("\"params\":" + RandomJson(rng, 2));
        else parts.Add("\"params\":[" + string.Join(",", Enumerable.Range(0, rng.Next(0, 4)).Select(_ => RandomParam(rng))) + "]");
        idJson = id?.ToString() ?? "null";
        if (id is not null) parts.Add("\"id\":" + id);
        return "{" + string.Join(",", parts) + "}";
    }

    private static string RandomParam(Random rng) => rng.Next(7) switch
    {
        0 => "\"0x" + Convert.ToHexStringLower(RandomBytes(rng, rng.Next(0, 80))) + "\"",
        1 => "\"" + new[] { "latest", "pending", "earliest", "safe", "finalized", "0x0", "0x1", "0xffffffffffffffffffff", "0x", "-1" }[rng.Next(10)] + "\"",
        2 => "{\"to\":\"0x" + Convert.ToHexStringLower(RandomBytes(rng, rng.Next(0, 24))) + "\",\"data\":\"0x" + Convert.ToHexStringLower(RandomBytes(rng, rng.Next(0, 200))) + "\",\"gas\":\"0x" + rng.Next().ToString("x") + "\"}",
        3 => "{\"fromBlock\":\"0x0\",\"toBlock\":\"latest\",\"address\":\"0x" + Convert.ToHexStringLower(RandomBytes(rng, 20)) + "\",\"topics\":[" + (rng.Next(2) == 0 ? "null" : "\"0x" + Convert.ToHexStringLower(RandomBytes(rng, 32)) + "\"") + "]}",
        4 => rng.Next(2) == 0 ? "true" : "null",
        5 => rng.NextInt64(long.MinValue, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => RandomJson(rng, 3),
    };

    private static string RandomJson(Random rng, int depth) => (depth <= 0 ? rng.Next(4) : rng.Next(6)) switch
    {
        0 => "null",
        1 => rng.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "e" + rng.Next(-400, 400),
        2 => JsonSerializer.Serialize(RandomString(rng)),
        3 => rng.Next(2) == 0 ? "true" : "false",
        4 => "[" + string.Join(",", Enumerable.Range(0, rng.Next(0, 4)).Select(_ => RandomJson(rng, depth - 1))) + "]",
        _ => "{" + string.Join(",", Enumerable.Range(0, rng.Next(0, 4)).Select(i => JsonSerializer.Serialize(RandomString(rng)) + ":" + RandomJson(rng, depth - 1))) + "}",
    };

    private static string Malformed(Random rng) => rng.Next(6) switch
    {
        0 => "",
        1 => "{",
        2 => "{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\",\"id\":1" + new string(']', rng.Next(1, 4)),
        3 => Encoding.Latin1.GetString(RandomBytes(rng, rng.Next(1, 64))),
        4 => "[" + new string('[', rng.Next(1, 300)),
        _ => "{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\",\"id\":1,\"params\":[\"\\u" + Convert.ToHexStringLower(RandomBytes(rng, 1)) + "\"",
    };

    private static string RandomString(Random rng)
    {
        var chars = new char[rng.Next(0, 24)];
        for (int i = 0; i < chars.Length; i++) chars[i] = (char)rng.Next(0x20, 0x7f);
        return new string(chars);
    }

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    private static string Trim(string s) => s.Length <= 300 ? s : s[..300] + "...";
}
