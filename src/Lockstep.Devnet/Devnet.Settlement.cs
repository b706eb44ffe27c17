using System.Text.Json;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Settlement;
using Lockstep.Storage;

namespace Lockstep.Devnet;

/// <summary>
/// The devnet's L1 side: the embedded L1 (our own chain with the L1 contracts) or an external L1 over JSON-RPC
/// (<see cref="DevnetOptions.L1Rpc"/>), the batch poster, and the deposit feed that brings L1 deposits into the
/// rollups (issue 5).
/// </summary>
public sealed partial class Devnet
{
    private const string L1DeploymentFile = "l1-deployment.json";
    private IKeyValueStore? _posterDb;
    private JsonRpcL1Client? _externalL1;
    private ulong _externalL1ChainId;

    /// <summary>The embedded L1, null with <see cref="DevnetOptions.EmbeddedL1"/> off or an external L1.</summary>
    public EmbeddedL1? L1 { get; private set; }

    /// <summary>The L1 in use (embedded or external), null without one.</summary>
    public JsonRpcL1Client? L1Client => L1?.Client ?? _externalL1;

    /// <summary>The L1 contracts in use, null without an L1.</summary>
    public L1Deployment? L1Contracts { get; private set; }

    /// <summary>The batch poster that settles every superblock on the L1, null without an L1.</summary>
    public BatchPoster? Poster { get; private set; }

    /// <summary>The deposit feed (L1 <c>DepositQueued</c> events into the sequencer), null without an L1.</summary>
    public DepositFeed? Deposits { get; private set; }

    /// <summary>The sequencer's L1 account: the mnemonic's account right after the printed dev accounts.</summary>
    public required DevAccount SequencerL1Account { get; init; }

    /// <summary>
    /// The L1 token address the rollups' genesis names (L2Bridge mints LST for its deposits), decided BEFORE the rollups
    /// exist: the embedded L1 deploys from dev account 0 at nonce 0, so its L1LockstepToken is
    /// <c>CREATE(account 0, 3)</c>; an external L1 takes the addresses given, or deploys now from
    /// <see cref="DevnetOptions.L1DeployerKey"/> (first start) and keeps them in <c>l1-deployment.json</c>.
    /// </summary>
    private static async Task PrepareL1Async(DevnetOptions options, DevAccount sequencer, CancellationToken cancel)
    {
        if (options.L1Rpc is null) return;
        options.ExternalL1Token = (await ExternalDeploymentAsync(options, sequencer, cancel).ConfigureAwait(false)).Token;
    }

    /// <summary>The L1 token the rollups' genesis names (see <see cref="PrepareL1Async"/>).</summary>
    private static Address GenesisL1Token(DevnetOptions options, IReadOnlyList<DevAccount> accounts) =>
        options.L1Rpc is not null ? options.ExternalL1Token
        : options.EmbeddedL1 && accounts.Count > 0 ? L1Deployer.PredictToken(accounts[0].Address, 0) : Address.Zero;

    private static async Task<L1Deployment> ExternalDeploymentAsync(DevnetOptions options, DevAccount sequencer, CancellationToken cancel)
    {
        if (options.L1Inbox is { } inbox && options.L1Bridge is { } bridge)
            return new L1Deployment(options.L1Registry ?? Address.Zero, inbox, bridge, options.L1Token ?? Address.Zero);
        string path = Path.Combine(options.DataDir, L1DeploymentFile);
        if (File.Exists(path))
        {
            using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancel).ConfigureAwait(false));
            JsonElement e = doc.RootElement;
            return new L1Deployment(Address.FromHex(e.GetProperty("registry").GetString()!), Address.FromHex(e.GetProperty("inbox").GetString()!),
                Address.FromHex(e.GetProperty("bridge").GetString()!), Address.FromHex(e.GetProperty("token").GetString()!));
        }
        byte[] key = options.L1DeployerKey ?? throw new ArgumentException("--l1-rpc needs either --l1-inbox and --l1-bridge (contracts deployed, sequencer bonded) or --l1-key (a funded key that deploys them at first start)");
        string artifacts = options.ArtifactsDir ?? FindArtifacts()
            ?? throw new InvalidOperationException("contracts/artifacts not found above the working directory or the program: run from the repository, or pass ArtifactsDir");
        using var l1 = new JsonRpcL1Client(options.L1Rpc!);
        // The sequencer key is derived from the mnemonic and has no L1 ETH: the deployer funds its bond and postings.
        await new L1Wallet(l1, key).SendCheckedAsync(sequencer.Address, [], UInt256.Parse("10000000000000000000"), cancel).ConfigureAwait(false);
        var chainIds = new ulong[options.Rollups];
        for (int i = 0; i < chainIds.Length; i++) chainIds[i] = options.FirstChainId + (ulong)i;
        L1Deployment d = await L1Deployer.DeployAsync(l1, new L1DeployOptions
        {
            ArtifactsDir = artifacts, RollupChainIds = chainIds, DeployerKey = key, SequencerKey = sequencer.PrivateKey,
            ChallengeWindowSeconds = options.ChallengeWindowSeconds,
            Arbiter = Lockstep.Crypto.Ecdsa.PrivateKeyToAddress(key), FlagBond = ArbiterFlagBond, // state-root arbiter: Devnet.Verifier.cs
        }, cancel).ConfigureAwait(false);
        Directory.CreateDirectory(options.DataDir);
        string tmp = path + ".tmp";
        await File.WriteAllTextAsync(tmp, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["registry"] = d.Registry.ToString(), ["inbox"] = d.Inbox.ToString(), ["bridge"] = d.Bridge.ToString(), ["token"] = d.Token.ToString(),
        }), cancel).ConfigureAwait(false);
        File.Move(tmp, path, overwrite: true);
        return d;
    }

    private async Task StartSettlementAsync(CancellationToken cancel)
    {
        IL1Client client;
        if (Options.L1Rpc is { } rpc)
        {
            L1Contracts = await ExternalDeploymentAsync(Options, SequencerL1Account, cancel).ConfigureAwait(false);
            _externalL1 = new JsonRpcL1Client(rpc);
            _externalL1ChainId = await _externalL1.GetChainIdAsync(cancel).ConfigureAwait(false);
            client = _externalL1;
        }
        else
        {
            if (!Options.EmbeddedL1) return;
            string artifacts = Options.ArtifactsDir ?? FindArtifacts()
                ?? throw new InvalidOperationException("contracts/artifacts not found above the working directory or the program: run from the repository, or pass ArtifactsDir");
            L1 = await EmbeddedL1.StartAsync(new EmbeddedL1Options
            {
                DataDir = Path.Combine(Options.DataDir, "l1"),
                ArtifactsDir = artifacts,
                RollupChainIds = [.. Sequencer.Chains.Select(c => c.ChainId)],
                SequencerKey = SequencerL1Account.PrivateKey,
                Accounts = Accounts,
                ChallengeWindowSeconds = Options.ChallengeWindowSeconds,
                Arbiter = Accounts[0].Address, FlagBond = ArbiterFlagBond, // state-root arbiter: Devnet.Verifier.cs
                Port = Options.L1Port ?? (Options.BasePort == 0 ? 0 : DevnetOptions.DefaultL1Port),
            }, cancel).ConfigureAwait(false);
            L1Contracts = L1.Deployment;
            client = L1.Client;
        }
        _posterDb = new RocksDbKeyValueStore(Path.Combine(Options.DataDir, "poster"));
        await StartRecoveryAsync(client, cancel).ConfigureAwait(false); // standby sequencer and SetRecovery (Devnet.Recovery.cs)
        Poster = new BatchPoster(client, Sequencer.Superblocks, _posterDb, new BatchPosterOptions
        {
            Inbox = L1Contracts.Inbox,
            SequencerKey = SequencerL1Account.PrivateKey,
            MaxBatchDelay = TimeSpan.FromSeconds(Options.PostEverySeconds),
            // --l1-confirmations K: a submit counts once K blocks were built on top of its own (K + 1 confirmations),
            // the same depth deposits are read at; K = 0 (the devnet default): its receipt's block is enough.
            Confirmations = (int)Math.Min(Options.L1Confirmations + 1, 10_001),
            Faults = Faults, // dev mode only: forged claimed roots (DevnetFaults.cs)
            BeforeRound = BeforePosterRoundAsync, // recovery after a proven fraud, the leader's key (Devnet.Recovery.cs)
        });
        Poster.Failed += e => PosterFailed?.Invoke(e);
        Poster.Reorged += r => PosterFailed?.Invoke(new L1Exception(
            $"an L1 reorg dropped the submit of superbatch {r.Index} ({r.TransactionHash}, was in L1 block {r.LostBlock}) before its confirmations; sending it again"));
        Poster.Start();
        // Deposits: derived from L1 at the configured depth, executed at the start of the destination's next block.
        // The feed keeps its L1 cursor in the poster's store; what was executed is read from the rollups' state.
        Deposits = new DepositFeed(new DepositDeriver(client, new DepositDeriverOptions { Bridge = L1Contracts.Bridge, Confirmations = Options.L1Confirmations }),
            _posterDb, TimeSpan.FromMilliseconds(500));
        Deposits.DepositsAvailable += () =>
        {
            try { Sequencer.Wake(); }
            catch (ObjectDisposedException) { } // shutting down
        };
        Deposits.Failed += e => PosterFailed?.Invoke(e);
        Sequencer.DepositSource = Deposits;
        Deposits.Start();
    }

    /// <summary>Raised when a posting or deposit-reading round fails (both retry).</summary>
    public event Action<Exception>? PosterFailed;

    private async Task StopSettlementAsync()
    {
        Deposits?.Dispose();
        Deposits = null;
        Poster?.Dispose();
        Poster = null;
        _posterDb?.Dispose();
        _posterDb = null;
        _externalL1?.Dispose();
        _externalL1 = null;
        if (L1 is not null) await L1.DisposeAsync().ConfigureAwait(false);
        L1 = null;
    }

    private DevnetL1Description? DescribeL1()
    {
        if (L1Contracts is not { } d || L1Client is not { } client) return null;
        return new DevnetL1Description(client.Url.ToString().TrimEnd('/'), L1?.Chain.ChainId ?? _externalL1ChainId, new Dictionary<string, string>
        {
            ["SequencerRegistry"] = d.Registry.ToString(),
            ["SharedInbox"] = d.Inbox.ToString(),
            ["Bridge"] = d.Bridge.ToString(),
            ["Token"] = d.Token.ToString(),
            ["Sequencer"] = SequencerL1Account.Address.ToString(),
            ["StandbySequencer"] = StandbyL1Account.Address.ToString(),
        });
    }

    private static string? FindArtifacts()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (string? dir = start; dir != null; dir = Path.GetDirectoryName(dir))
            {
                string candidate = Path.Combine(dir, "contracts", "artifacts");
                if (File.Exists(Path.Combine(candidate, "L1SharedInbox.json"))) return candidate;
            }
        return null;
    }
}
