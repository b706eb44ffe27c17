using System.Net.Http.Json;
using System.Text.Json;
using Lockstep.Devnet;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Explorer.Tests;

/// <summary>
/// One in-process devnet (2 rollups, free ports, temp dir) on which the seed's two cases have happened: a bridged
/// transfer A -> B (one bundle, two legs) and, after dev account 0 paused LST minting on B, a burn whose mint fails
/// (a rejected bundle). Shared by the tests of <see cref="DevnetCollection"/>.
/// </summary>
public sealed class DevnetFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-explorer-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<(int, int), ulong> _nonces = new();

    /// <summary>The running devnet.</summary>
    public Devnet.Devnet Devnet { get; private set; } = null!;

    /// <summary>HTTP client for the RPC servers and the explorer.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The bridged transfer (burn on A, mint on B), included.</summary>
    public Hash256 BridgeTx { get; private set; }

    /// <summary>The burn rejected because minting is paused on B.</summary>
    public Hash256 RejectedTx { get; private set; }

    /// <summary>The L1 inbox's challenge window in seconds.</summary>
    public const ulong ChallengeWindow = 3;

    /// <summary>Chain ids of rollup A and B.</summary>
    public ulong ChainA => Devnet.Rollups[0].Chain.ChainId;

    /// <inheritdoc cref="ChainA"/>
    public ulong ChainB => Devnet.Rollups[1].Chain.ChainId;

    /// <summary>Starts the devnet and plays the scenario through JSON-RPC.</summary>
    public async Task InitializeAsync()
    {
        // A 3 s challenge window and 1 s posting: the L1 panel sees superbatches go from pending to final within a test.
        Devnet = await Lockstep.Devnet.Devnet.StartAsync(new DevnetOptions { DataDir = _dir, BasePort = 0, ChallengeWindowSeconds = ChallengeWindow, PostEverySeconds = 1 });
        Address user = Devnet.Accounts[1].Address;
        UInt256 amount = UInt256.Parse("5000000000000000000"); // 5 LST

        BridgeTx = await SendAsync(0, 1, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, amount, ChainB, user));
        Assert.Equal("included", (await WaitForStatusAsync(0, BridgeTx)).GetProperty("status").GetString());

        // setPaused(true) on B by the token admin (dev account 0). Selector from `cast sig "setPaused(bool)"`;
        // bool true is one ABI word with value 1.
        byte[] pause = new byte[36];
        Hex.Decode("0x16c38b3c").CopyTo(pause, 0);
        pause[35] = 1;
        Hash256 pauseTx = await SendAsync(1, 0, SystemAddresses.CrossRollupToken, pause);
        Assert.Equal("included", (await WaitForStatusAsync(1, pauseTx)).GetProperty("status").GetString());

        RejectedTx = await SendAsync(0, 1, SystemAddresses.MintBurn, SystemCalldata.Burn(SystemAddresses.CrossRollupToken, amount, ChainB, user));
        Assert.Equal("rejected", (await WaitForStatusAsync(0, RejectedTx)).GetProperty("status").GetString());
        _nonces[(0, 1)]--; // a rejected transaction takes no nonce
    }

    /// <summary>Signs a call from dev account <paramref name="from"/> on rollup <paramref name="rollup"/> and sends it with eth_sendRawTransaction.</summary>
    public async Task<Hash256> SendAsync(int rollup, int from, Address to, byte[] data, UInt256 value = default, ulong gas = 1_000_000)
    {
        _nonces.TryGetValue((rollup, from), out ulong nonce);
        _nonces[(rollup, from)] = nonce + 1;
        Transaction tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(Devnet.Rollups[rollup].Chain.ChainId), Nonce = nonce,
            MaxPriorityFeePerGas = new UInt256(1_000_000_000), MaxFeePerGas = new UInt256(10_000_000_000),
            GasLimit = gas, To = to, Value = value, Data = data,
        }.Sign(Devnet.Accounts[from].PrivateKey);
        JsonElement result = await RpcAsync(rollup, "eth_sendRawTransaction", Hex.Encode(tx.Encode()));
        Assert.Equal(tx.Hash.ToString(), result.GetString());
        return tx.Hash;
    }

    /// <summary>One JSON-RPC call over HTTP; fails the test on a JSON-RPC error.</summary>
    public async Task<JsonElement> RpcAsync(int rollup, string method, params object[] args)
    {
        using HttpResponseMessage response = await Http.PostAsJsonAsync(Devnet.Rollups[rollup].Server.Url,
            new { jsonrpc = "2.0", id = 1, method, @params = args });
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.TryGetProperty("error", out JsonElement error)) Assert.Fail($"{method}: {error}");
        return body.GetProperty("result").Clone();
    }

    /// <summary>Polls lockstep_getMessageStatus until the transaction is no longer pending (10 s at most).</summary>
    public async Task<JsonElement> WaitForStatusAsync(int rollup, Hash256 tx)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            JsonElement status = await RpcAsync(rollup, "lockstep_getMessageStatus", tx.ToString());
            if (status.ValueKind == JsonValueKind.Object && status.GetProperty("status").GetString() != "pending") return status;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{tx} still {status} after 10 s");
            await Task.Delay(50);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Devnet.DisposeAsync();
        Http.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The tests that share one devnet (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class DevnetCollection : ICollectionFixture<DevnetFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "devnet";
}
