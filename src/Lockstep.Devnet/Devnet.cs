using System.Text.Json;
using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Rpc;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.TxPool;

namespace Lockstep.Devnet;

/// <summary>One rollup of a running devnet: its chain and its RPC server.</summary>
public sealed record DevnetRollup(string Name, RollupChain Chain, RpcServer Server);

/// <summary>
/// A rollup set in one process: N rollups with the system contracts predeployed, one shared sequencer sealing
/// superblocks, and a JSON-RPC server per rollup (standard <c>eth_*</c> plus <c>lockstep_*</c>). Writes the
/// machine-readable description (<see cref="DescriptionPath"/>) that scripts read. By default an embedded L1 runs
/// beside it and a batch poster settles every superblock there (<c>Devnet.Settlement.cs</c>); the verifier is not
/// part of it yet.
/// </summary>
public sealed partial class Devnet : IAsyncDisposable
{
    private readonly List<(EthModule Eth, RpcServer Server)> _servers = new();

    private Devnet(DevnetOptions options, SharedSequencer sequencer, IReadOnlyList<DevAccount> accounts)
    {
        Options = options;
        Sequencer = sequencer;
        Accounts = accounts;
    }

    /// <summary>The settings it runs with.</summary>
    public DevnetOptions Options { get; }

    /// <summary>The shared sequencer (and through it every rollup's chain and pool).</summary>
    public SharedSequencer Sequencer { get; }

    /// <summary>The builder protection the sequencer selects through (<see cref="DevnetOptions.Admission"/>); null when off.</summary>
    public BundleAdmission? Admission { get; private init; }

    /// <summary>The funded dev accounts (same keys on every rollup).</summary>
    public IReadOnlyList<DevAccount> Accounts { get; }

    /// <summary>Prefix of the builder protection's table in the rollups' database (<see cref="BundleAdmission"/>).</summary>
    public static readonly byte[] AdmissionTablePrefix = "admission/"u8.ToArray();

    /// <summary>The armed fault injector (<see cref="DevnetOptions.Faults"/>), null for an honest devnet.</summary>
    public FaultInjector? Faults { get; private init; }

    /// <summary>The rollups with their RPC servers, in set order.</summary>
    public IReadOnlyList<DevnetRollup> Rollups { get; private set; } = [];

    /// <summary>Path of the JSON description (<c>devnet.json</c> in the data directory).</summary>
    public string DescriptionPath => Path.Combine(Options.DataDir, "devnet.json");

    /// <summary>The name of rollup <paramref name="index"/>: rollup-a, rollup-b, ... (then rollup-27, ...).</summary>
    public static string RollupName(int index) => index < 26 ? "rollup-" + (char)('a' + index) : "rollup-" + (index + 1);

    /// <summary>The genesis of every rollup of a set described by <paramref name="options"/>, in set order.</summary>
    public static IReadOnlyList<Genesis> CreateGeneses(DevnetOptions options, IReadOnlyList<DevAccount> accounts)
    {
        if (options.Rollups < 2) throw new ArgumentException("a devnet has at least 2 rollups");
        var chainIds = new ulong[options.Rollups];
        for (int i = 0; i < chainIds.Length; i++) chainIds[i] = options.FirstChainId + (ulong)i;
        var predeploy = new PredeployOptions
        {
            // Dev account 0 administers the token (pause, mint cap): a devnet needs a hand on those switches.
            Admin = accounts.Count > 0 ? accounts[0].Address : Address.Zero,
            TokenHomeChainId = chainIds[0],
            TokenHolders = [.. accounts.Select(a => new KeyValuePair<Address, UInt256>(a.Address, options.TokenPerAccount))],
            L1Token = GenesisL1Token(options, accounts), // L2Bridge mints LST for deposits of this L1 token (Devnet.Settlement.cs)
        };
        var geneses = new Genesis[chainIds.Length];
        for (int i = 0; i < chainIds.Length; i++)
            geneses[i] = Predeploys.Apply(DevGenesis.Create(chainIds[i], accounts.Select(a => a.Address), timestamp: options.GenesisTimestamp), chainIds, predeploy);
        return geneses;
    }

    /// <summary>
    /// Opens (or creates) the set in <see cref="DevnetOptions.DataDir"/>, starts the RPC servers and the sequencer,
    /// and writes the description. Throws when the data directory holds another set or a port is taken.
    /// </summary>
    public static async Task<Devnet> StartAsync(DevnetOptions options, CancellationToken cancel = default)
    {
        // One derivation (PBKDF2 + BIP-32) for the printed dev accounts and, right after them, the sequencer's L1 key.
        IReadOnlyList<DevAccount> derived = DevAccounts.Derive(options.Mnemonic, options.Accounts + 1);
        IReadOnlyList<DevAccount> accounts = [.. derived.Take(options.Accounts)];
        FaultInjector? faults = await DevnetFaults.ArmAsync(options, cancel).ConfigureAwait(false); // refused unless the L1 is a dev chain
        await PrepareL1Async(options, derived[options.Accounts], cancel).ConfigureAwait(false); // external L1: deploy or read its addresses first
        IReadOnlyList<Genesis> geneses = CreateGeneses(options, accounts);
        Directory.CreateDirectory(options.DataDir);
        var db = new RocksDbKeyValueStore(Path.Combine(options.DataDir, "rollups"));
        SharedSequencer sequencer;
        BundleAdmission? admission;
        try
        {
            sequencer = new SharedSequencer(db, geneses,
                g => new TxPoolOptions
                {
                    ChainId = g.ChainId,
                    BlockGasLimit = g.GasLimit,
                    MaxPerSender = options.PoolPerSender,
                    MaxNonceGap = (ulong)options.PoolPerSender,
                    MaxTotal = options.PoolSize,
                },
                new SharedSequencerOptions
                {
                    Cadence = options.Cadence,
                    BlockTime = options.BlockTime,
                    MaxTransactionsPerRollup = options.MaxTransactionsPerRollup,
                    // Its buckets live beside the rollups, so a restart does not forgive a spammer (docs/load.md).
                    Admission = admission = options.Admission is null ? null : new BundleAdmission(options.Admission, new PrefixedKeyValueStore(db, AdmissionTablePrefix)),
                    Faults = faults,
                },
                ownsDb: true);
        }
        catch
        {
            db.Dispose();
            throw;
        }

        var devnet = new Devnet(options, sequencer, accounts) { SequencerL1Account = derived[options.Accounts], Faults = faults, Admission = admission };
        try
        {
            var rollups = new List<DevnetRollup>();
            for (int i = 0; i < sequencer.Chains.Count; i++)
            {
                RollupChain chain = sequencer.Chains[i];
                var rpcOptions = new RpcServerOptions { Host = options.Host, Port = options.BasePort == 0 ? 0 : options.BasePort + i };
                var dispatcher = new RpcDispatcher(rpcOptions);
                var eth = new EthModule(chain, rpcOptions, [.. accounts.Select(a => a.Address)]);
                eth.Register(dispatcher);
                new LockstepModule(devnet, chain).Register(dispatcher);
                devnet.TimeRpc(RollupName(i), dispatcher);
                var server = new RpcServer(dispatcher);
                devnet._servers.Add((eth, server));
                await server.StartAsync(cancel).ConfigureAwait(false);
                rollups.Add(new DevnetRollup(RollupName(i), chain, server));
            }
            devnet.Rollups = rollups;
            await devnet.StartExplorerAsync(cancel).ConfigureAwait(false);
            await devnet.StartSettlementAsync(cancel).ConfigureAwait(false);
            await devnet.StartVerifierAsync(cancel).ConfigureAwait(false); // Devnet.Verifier.cs (issue 6)
            devnet.StartL1Observers();
            devnet.WriteDescription();
            sequencer.Start();
            return devnet;
        }
        catch
        {
            await devnet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The machine-readable description (DESIGN.md, "Interfaces others will script against").</summary>
    public DevnetDescription Describe() => new(
        L1: DescribeL1(),
        Rollups: [.. Rollups.Select(r => new DevnetRollupDescription(
            r.Name, r.Chain.ChainId, r.Server.Url.ToString().TrimEnd('/'), r.Server.WebSocketUrl.ToString().TrimEnd('/'),
            new Dictionary<string, string>
            {
                ["MintBurn"] = SystemAddresses.MintBurn.ToString(),
                ["Messenger"] = SystemAddresses.Messenger.ToString(),
                ["MessageTrees"] = SystemAddresses.MessageTrees.ToString(),
                ["CrossRollupToken"] = SystemAddresses.CrossRollupToken.ToString(),
                ["ProtocolSender"] = SystemAddresses.ProtocolSender.ToString(),
            }))],
        DevAccounts: [.. Accounts.Select(a => new DevAccountDescription(a.Address.ToString(), a.PrivateKeyHex))],
        TokenAdmin: Accounts.Count > 0 ? Accounts[0].Address.ToString() : null,
        DataDir: Path.GetFullPath(Options.DataDir));

    private void WriteDescription()
    {
        string tmp = DescriptionPath + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(Describe(), DevnetDescription.JsonOptions));
        File.Move(tmp, DescriptionPath, overwrite: true);
    }

    /// <summary>Stops the servers, then the sequencer, and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopVerifierAsync().ConfigureAwait(false); // it reads the L1; Devnet.Verifier.cs
        // The poster stops first (it reads superblocks), the L1 last (the poster talks to it).
        Poster?.Dispose();
        Poster = null;
        StopL1Observers();
        await StopExplorerAsync().ConfigureAwait(false);
        foreach ((EthModule eth, RpcServer server) in _servers)
        {
            await server.StopAsync().ConfigureAwait(false);
            eth.Dispose();
        }
        Sequencer.Dispose();
        await StopSettlementAsync().ConfigureAwait(false);
    }
}
