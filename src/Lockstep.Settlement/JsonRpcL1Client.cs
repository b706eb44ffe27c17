using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Lockstep.Primitives;

namespace Lockstep.Settlement;

/// <summary>
/// <see cref="IL1Client"/> over HTTP JSON-RPC (anvil, geth, our own node). Transport failures and JSON-RPC errors
/// surface as <see cref="L1Exception"/>, so the poster can retry on any of them.
/// </summary>
public sealed class JsonRpcL1Client : IL1Client, IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private long _id;

    /// <summary>A client for the node at <paramref name="url"/>; each request times out after <paramref name="timeout"/> (10 s).</summary>
    public JsonRpcL1Client(Uri url, TimeSpan? timeout = null)
    {
        _url = url;
        _http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
    }

    /// <summary>The node's URL.</summary>
    public Uri Url => _url;

    /// <summary>Sends one request and returns its <c>result</c>.</summary>
    public async Task<JsonElement> RequestAsync(string method, object[] args, CancellationToken cancel = default)
    {
        var request = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _id), method, @params = args };
        JsonElement body;
        try
        {
            using HttpResponseMessage response = await _http.PostAsJsonAsync(_url, request, cancel).ConfigureAwait(false);
            body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancel.IsCancellationRequested)
        {
            throw new L1Exception($"{method}: L1 unreachable at {_url}: {e.Message}", null, e);
        }
        if (body.TryGetProperty("error", out JsonElement error))
        {
            string message = error.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? "" : error.ToString();
            string? data = error.TryGetProperty("data", out JsonElement d) ? (d.ValueKind == JsonValueKind.String ? d.GetString() : d.ToString()) : null;
            throw new L1Exception($"{method}: {message}", data);
        }
        return body.GetProperty("result").Clone();
    }

    /// <inheritdoc />
    public async Task<ulong> GetChainIdAsync(CancellationToken cancel = default) => Quantity(await RequestAsync("eth_chainId", [], cancel).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<ulong> GetBlockNumberAsync(CancellationToken cancel = default) => Quantity(await RequestAsync("eth_blockNumber", [], cancel).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<ulong> GetNonceAsync(Address account, string block = "latest", CancellationToken cancel = default) =>
        Quantity(await RequestAsync("eth_getTransactionCount", [account.ToString(), block], cancel).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<L1FeeData> GetFeeDataAsync(CancellationToken cancel = default)
    {
        JsonElement block = await RequestAsync("eth_getBlockByNumber", ["latest", false], cancel).ConfigureAwait(false);
        UInt256 baseFee = block.TryGetProperty("baseFeePerGas", out JsonElement b) ? UInt256.Parse(b.GetString()!) : UInt256.Zero;
        UInt256 tip;
        try { tip = UInt256.Parse((await RequestAsync("eth_maxPriorityFeePerGas", [], cancel).ConfigureAwait(false)).GetString()!); }
        catch (L1Exception) { tip = new UInt256(1_000_000_000); } // nodes without the method: 1 gwei
        return new L1FeeData(baseFee, tip);
    }

    /// <inheritdoc />
    public async Task<Hash256> SendRawTransactionAsync(byte[] raw, CancellationToken cancel = default) =>
        Hash256.FromHex((await RequestAsync("eth_sendRawTransaction", [Hex.Encode(raw)], cancel).ConfigureAwait(false)).GetString()!);

    /// <inheritdoc />
    public async Task<L1Receipt?> GetReceiptAsync(Hash256 txHash, CancellationToken cancel = default)
    {
        JsonElement r = await RequestAsync("eth_getTransactionReceipt", [txHash.ToString()], cancel).ConfigureAwait(false);
        if (r.ValueKind != JsonValueKind.Object) return null;
        var logs = new List<L1Log>();
        foreach (JsonElement log in r.GetProperty("logs").EnumerateArray()) logs.Add(ParseLog(log));
        UInt256 price = r.TryGetProperty("effectiveGasPrice", out JsonElement p) ? UInt256.Parse(p.GetString()!) : UInt256.Zero;
        return new L1Receipt(txHash, Quantity(r.GetProperty("blockNumber")), r.GetProperty("status").GetString() == "0x1",
            Quantity(r.GetProperty("gasUsed")), price, logs);
    }

    /// <inheritdoc />
    public async Task<byte[]> CallAsync(Address to, byte[] data, Address? from = null, CancellationToken cancel = default)
    {
        var call = new Dictionary<string, string> { ["to"] = to.ToString(), ["data"] = Hex.Encode(data) };
        if (from is Address f) call["from"] = f.ToString();
        return Hex.Decode((await RequestAsync("eth_call", [call, "latest"], cancel).ConfigureAwait(false)).GetString()!);
    }

    /// <inheritdoc />
    public async Task<ulong> EstimateGasAsync(Address from, Address to, byte[] data, CancellationToken cancel = default)
    {
        var call = new Dictionary<string, string> { ["from"] = from.ToString(), ["to"] = to.ToString(), ["data"] = Hex.Encode(data) };
        return Quantity(await RequestAsync("eth_estimateGas", [call], cancel).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<ulong?> GetTaggedBlockNumberAsync(string tag, CancellationToken cancel = default)
    {
        JsonElement block = await RequestAsync("eth_getBlockByNumber", [tag, false], cancel).ConfigureAwait(false);
        return block.ValueKind == JsonValueKind.Object ? Quantity(block.GetProperty("number")) : null;
    }

    /// <inheritdoc />
    public async Task<Hash256?> GetBlockHashAsync(ulong number, CancellationToken cancel = default)
    {
        JsonElement block = await RequestAsync("eth_getBlockByNumber", ["0x" + number.ToString("x", CultureInfo.InvariantCulture), false], cancel).ConfigureAwait(false);
        return block.ValueKind == JsonValueKind.Object ? Hash256.FromHex(block.GetProperty("hash").GetString()!) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<L1Log>> GetLogsAsync(Address address, ulong fromBlock, ulong toBlock, Hash256? topic0 = null, CancellationToken cancel = default)
    {
        var filter = new Dictionary<string, object>
        {
            ["address"] = address.ToString(),
            ["fromBlock"] = "0x" + fromBlock.ToString("x", CultureInfo.InvariantCulture),
            ["toBlock"] = "0x" + toBlock.ToString("x", CultureInfo.InvariantCulture),
        };
        if (topic0 is Hash256 t) filter["topics"] = new object[] { t.ToString() };
        JsonElement result = await RequestAsync("eth_getLogs", [filter], cancel).ConfigureAwait(false);
        var logs = new List<L1Log>();
        foreach (JsonElement log in result.EnumerateArray()) logs.Add(ParseLog(log));
        return logs;
    }

    private static L1Log ParseLog(JsonElement log)
    {
        var topics = new List<Hash256>();
        foreach (JsonElement t in log.GetProperty("topics").EnumerateArray()) topics.Add(Hash256.FromHex(t.GetString()!));
        return new L1Log(Address.FromHex(log.GetProperty("address").GetString()!), topics, Hex.Decode(log.GetProperty("data").GetString()!),
            Quantity(log.GetProperty("blockNumber")), Hash256.FromHex(log.GetProperty("transactionHash").GetString()!));
    }

    private static ulong Quantity(JsonElement e) => ulong.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
