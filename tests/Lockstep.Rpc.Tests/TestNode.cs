using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Rpc.Tests;

/// <summary>A JSON-RPC error returned by the server.</summary>
public sealed class RpcError(int code, string message, string? data) : Exception($"{code}: {message}")
{
    public int Code { get; } = code;
    public string RpcMessage { get; } = message;
    public string? ErrorData { get; } = data;
}

/// <summary>A plain HTTP JSON-RPC client (no Ethereum library), so tests see exactly what the server sends.</summary>
public sealed class RpcTestClient(Uri url) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private int _id;

    public Uri Url => url;

    /// <summary>Calls <paramref name="method"/> and returns its result; throws <see cref="RpcError"/> on an error response.</summary>
    public async Task<JsonElement> Call(string method, params object?[] args)
    {
        string body = JsonSerializer.Serialize(new { jsonrpc = "2.0", id = Interlocked.Increment(ref _id), method, @params = args });
        (HttpStatusCode status, JsonElement response) = await Post(body);
        Assert.Equal(HttpStatusCode.OK, status);
        if (response.TryGetProperty("error", out JsonElement error))
            throw new RpcError(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString()!,
                error.TryGetProperty("data", out JsonElement d) ? d.GetString() : null);
        return response.GetProperty("result").Clone();
    }

    /// <summary>The error of a call that must fail.</summary>
    public async Task<RpcError> Fails(string method, params object?[] args) => await Assert.ThrowsAsync<RpcError>(() => Call(method, args));

    /// <summary>Posts a raw body; returns the status and the parsed response (Undefined when the body is empty).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> Post(string body) => await Post(Encoding.UTF8.GetBytes(body));

    /// <summary>Posts raw bytes.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> Post(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await _http.PostAsync(url, content);
        string text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0) return (response.StatusCode, default);
        using JsonDocument doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.Clone());
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// An in-process node: a chain (in memory, or RocksDB in a directory), a block producer, the eth and admin modules
/// and the server on a free loopback port.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public static readonly IReadOnlyList<DevAccount> Accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 3);

    private TestNode(RollupChain chain, BlockProducer producer, EthModule eth, RpcServer server)
    {
        Chain = chain;
        Producer = producer;
        Eth = eth;
        Server = server;
        Client = new RpcTestClient(server.Url);
    }

    public RollupChain Chain { get; }
    public BlockProducer Producer { get; }
    public EthModule Eth { get; }
    public RpcServer Server { get; }
    public RpcTestClient Client { get; }
    public ulong ChainId => Chain.ChainId;

    public static async Task<TestNode> Start(ProductionMode mode = ProductionMode.Instant, string? dataDir = null, RpcServerOptions? options = null)
    {
        Genesis genesis = DevGenesis.Create(DevGenesis.DefaultChainId, Accounts.Select(a => a.Address));
        IKeyValueStore db = dataDir is null ? new MemoryKeyValueStore() : new RocksDbKeyValueStore(dataDir);
        var chain = new RollupChain(db, genesis, new TxPoolOptions { ChainId = genesis.ChainId }, ownsDb: true);
        var producer = new BlockProducer(chain, new ProducerOptions { Mode = mode, BlockTime = TimeSpan.FromMilliseconds(200) });
        options ??= new RpcServerOptions();
        options = new RpcServerOptions
        {
            Port = 0,
            MaxRequestBytes = options.MaxRequestBytes,
            MaxBatchLength = options.MaxBatchLength,
            MaxLogBlockRange = options.MaxLogBlockRange,
            MaxLogResults = options.MaxLogResults,
            MaxSubscriptionsPerConnection = options.MaxSubscriptionsPerConnection,
        };
        var dispatcher = new RpcDispatcher(options);
        var eth = new EthModule(chain, options, [.. Accounts.Select(a => a.Address)]) { Signers = [Accounts[0]] };
        eth.Register(dispatcher);
        new AdminModule(producer).Register(dispatcher);
        var server = new RpcServer(dispatcher);
        await server.StartAsync();
        producer.Start();
        return new TestNode(chain, producer, eth, server);
    }

    /// <summary>An EIP-1559 transaction signed by dev account <paramref name="from"/>, as 0x hex.</summary>
    public string Sign(int from, Address? to, UInt256 value, ulong nonce, byte[]? data = null, ulong gas = 100_000,
        ulong maxFee = 10_000_000_000, ulong tip = 1_000_000_000, ulong? chainId = null)
    {
        var tx = new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = chainId ?? ChainId,
            Nonce = nonce,
            MaxFeePerGas = maxFee,
            MaxPriorityFeePerGas = tip,
            GasLimit = gas,
            To = to,
            Value = value,
            Data = data ?? [],
        };
        return Hex.Encode(tx.Sign(Accounts[from].PrivateKey).Encode());
    }

    /// <summary>Sends and waits for the receipt (instant mining).</summary>
    public async Task<JsonElement> SendAndWait(string raw)
    {
        JsonElement hash = await Client.Call("eth_sendRawTransaction", raw);
        return await WaitForReceipt(hash.GetString()!);
    }

    public async Task<JsonElement> WaitForReceipt(string hash)
    {
        for (int i = 0; i < 400; i++)
        {
            JsonElement r = await Client.Call("eth_getTransactionReceipt", hash);
            if (r.ValueKind != JsonValueKind.Null) return r;
            await Task.Delay(25);
        }
        throw new TimeoutException("no receipt for " + hash);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        Producer.Dispose();
        Eth.Dispose();
        Chain.Dispose();
        Client.Dispose();
    }
}

internal static class Json
{
    public static ulong U64(this JsonElement e) => Convert.ToUInt64(e.GetString()!, 16);
    public static UInt256 U256(this JsonElement e) => UInt256.Parse(e.GetString()!);
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
