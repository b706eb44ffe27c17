using System.Text.Json;
using Lockstep.Chain;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Rpc;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Settlement;

/// <summary>Settings of an <see cref="EmbeddedL1"/>.</summary>
public sealed class EmbeddedL1Options
{
    /// <summary>RocksDB directory; null keeps everything in memory (tests).</summary>
    public string? DataDir { get; init; }

    /// <summary>Folder of the compiled L1 contracts (<c>contracts/artifacts</c>: L1SequencerRegistry.json, ...).</summary>
    public required string ArtifactsDir { get; init; }

    /// <summary>The rollups the inbox settles, in set order.</summary>
    public required IReadOnlyList<ulong> RollupChainIds { get; init; }

    /// <summary>The sequencer to bond (its key signs the bond transaction; funded at genesis).</summary>
    public required byte[] SequencerKey { get; init; }

    /// <summary>Dev accounts funded at genesis; account 0 deploys.</summary>
    public required IReadOnlyList<DevAccount> Accounts { get; init; }

    /// <summary>L1 chain id (900).</summary>
    public ulong ChainId { get; init; } = 900;

    /// <summary>Challenge window in seconds (60: a devnet; a real network uses 7 days).</summary>
    public ulong ChallengeWindowSeconds { get; init; } = 60;

    /// <summary>The inbox's state-root flag arbiter (issue 6; docs/l1-contracts.md); zero: flags are alarms only.</summary>
    public Address Arbiter { get; init; }

    /// <summary>Wei a flagger locks when <see cref="Arbiter"/> is set.</summary>
    public UInt256 FlagBond { get; init; }

    /// <summary>Block production (Interval, every <see cref="BlockTime"/>).</summary>
    public ProductionMode Mode { get; init; } = ProductionMode.Interval;

    /// <summary>L1 block time (1 s).</summary>
    public TimeSpan BlockTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>RPC port on loopback (0: a free one).</summary>
    public int Port { get; init; }
}

/// <summary>The addresses of the deployed L1 contracts.</summary>
/// <param name="Registry">L1SequencerRegistry.</param>
/// <param name="Inbox">L1SharedInbox.</param>
/// <param name="Bridge">L1Bridge.</param>
/// <param name="Token">L1LockstepToken (the cross-rollup token's L1 side).</param>
public sealed record L1Deployment(Address Registry, Address Inbox, Address Bridge, Address Token);

/// <summary>
/// A devchain in process: our own node (a <see cref="RollupChain"/> with chain id 900 and a <see cref="BlockProducer"/>)
/// served by our <see cref="RpcServer"/> on loopback, so the batch poster reaches it through the same
/// <see cref="JsonRpcL1Client"/> as any L1 (and anvil's cast or ethers could too). At first start it deploys the L1
/// contracts with ordinary signed transactions from dev account 0 (registry, inbox, bridge, token, then the two
/// wiring calls) and bonds the sequencer; the addresses are kept in its store, so a restart from the same data dir
/// finds them again.
/// </summary>
public sealed class EmbeddedL1 : IAsyncDisposable
{
    private static readonly byte[] DeploymentKey = "embedded-l1/deployment"u8.ToArray();
    private readonly RollupChain _chain;
    private readonly BlockProducer _producer;
    private readonly RpcServer _server;

    private EmbeddedL1(RollupChain chain, BlockProducer producer, RpcServer server, JsonRpcL1Client client, L1Deployment deployment)
    {
        _chain = chain;
        _producer = producer;
        _server = server;
        Client = client;
        Deployment = deployment;
    }

    /// <summary>The JSON-RPC URL.</summary>
    public Uri Url => _server.Url;

    /// <summary>A client of this L1.</summary>
    public JsonRpcL1Client Client { get; }

    /// <summary>The L1 contracts.</summary>
    public L1Deployment Deployment { get; }

    /// <summary>The L1 chain itself.</summary>
    public RollupChain Chain => _chain;

    /// <summary>Starts (or reopens) the embedded L1, deploying the contracts at first start.</summary>
    public static async Task<EmbeddedL1> StartAsync(EmbeddedL1Options options, CancellationToken cancel = default)
    {
        var funded = new List<Address>();
        foreach (DevAccount a in options.Accounts) funded.Add(a.Address);
        Address sequencer = Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(options.SequencerKey);
        if (!funded.Contains(sequencer)) funded.Add(sequencer);
        Genesis genesis = DevGenesis.Create(options.ChainId, funded);
        IKeyValueStore db = options.DataDir is null ? new MemoryKeyValueStore() : new RocksDbKeyValueStore(options.DataDir);
        var chain = new RollupChain(db, genesis, new TxPoolOptions { ChainId = genesis.ChainId }, ownsDb: true);
        var producer = new BlockProducer(chain, new ProducerOptions { Mode = options.Mode, BlockTime = options.BlockTime });
        var rpcOptions = new RpcServerOptions { Port = options.Port };
        var dispatcher = new RpcDispatcher(rpcOptions);
        new EthModule(chain, rpcOptions).Register(dispatcher);
        var server = new RpcServer(dispatcher);
        await server.StartAsync(cancel).ConfigureAwait(false);
        producer.Start();
        var client = new JsonRpcL1Client(server.Url);
        try
        {
            L1Deployment deployment = ReadDeployment(db) ?? await DeployAsync(client, options, sequencer, cancel).ConfigureAwait(false);
            WriteDeployment(db, deployment);
            return new EmbeddedL1(chain, producer, server, client, deployment);
        }
        catch
        {
            client.Dispose();
            producer.Dispose();
            await server.DisposeAsync().ConfigureAwait(false);
            chain.Dispose();
            throw;
        }
    }

    private static Task<L1Deployment> DeployAsync(JsonRpcL1Client l1, EmbeddedL1Options o, Address sequencer, CancellationToken cancel) =>
        L1Deployer.DeployAsync(l1, new L1DeployOptions
        {
            ArtifactsDir = o.ArtifactsDir, RollupChainIds = o.RollupChainIds, DeployerKey = o.Accounts[0].PrivateKey,
            SequencerKey = o.SequencerKey, ChallengeWindowSeconds = o.ChallengeWindowSeconds, Arbiter = o.Arbiter, FlagBond = o.FlagBond,
        }, cancel);

    private static L1Deployment? ReadDeployment(IKeyValueStore db)
    {
        byte[]? v = db.Get(DeploymentKey);
        if (v is null || v.Length != 80) return null;
        return new L1Deployment(new Address(v.AsSpan(0, 20)), new Address(v.AsSpan(20, 20)), new Address(v.AsSpan(40, 20)), new Address(v.AsSpan(60, 20)));
    }

    private static void WriteDeployment(IKeyValueStore db, L1Deployment d)
    {
        var v = new byte[80];
        d.Registry.ToArray().CopyTo(v, 0);
        d.Inbox.ToArray().CopyTo(v, 20);
        d.Bridge.ToArray().CopyTo(v, 40);
        d.Token.ToArray().CopyTo(v, 60);
        db.Put(DeploymentKey, v);
    }

    /// <summary>Stops the server and the producer and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _producer.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
        _chain.Dispose();
    }
}
