using System.Buffers.Binary;
using System.Text.Json;
using Lockstep.Chain;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Testing;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Verifier.Tests;

/// <summary>
/// A set of two rollups (901, 902) run by a shared sequencer (honest or cheating through a <see cref="FaultInjector"/>),
/// posted by the real <see cref="BatchPoster"/> to an L1 (embedded by default, or any JSON-RPC L1 with the contracts
/// deployed), superblocks built by hand. Dev accounts of the test mnemonic: 0 deployer, 1 sequencer, 2 challenger
/// (the verifier's key), 3-5 users.
/// </summary>
internal sealed class FraudHarness : IAsyncDisposable
{
    public static readonly ulong[] ChainIds = [901, 902];
    public const ulong GenesisTime = 1_700_000_000;
    private readonly Dictionary<(int, int), ulong> _nonces = new();
    private EmbeddedL1? _embedded;

    public static IReadOnlyList<DevAccount> Accounts { get; } = DevAccounts.Derive(DevAccounts.TestMnemonic, 6);
    public static DevAccount Sequencer => Accounts[1];
    public static DevAccount Challenger => Accounts[2];

    public required JsonRpcL1Client L1 { get; init; }
    public required L1Deployment Deployment { get; init; }
    public required SharedSequencer Set { get; init; }
    public required BatchPoster Poster { get; init; }
    public FaultInjector? Faults { get; init; }
    public List<string> Injected { get; } = new();
    public DepositFeed? Deposits { get; private set; }

    public static IReadOnlyList<Genesis> Geneses()
    {
        var geneses = new List<Genesis>();
        foreach (ulong id in ChainIds)
            geneses.Add(Predeploys.Apply(DevGenesis.Create(id, Accounts.Select(a => a.Address), timestamp: GenesisTime), ChainIds));
        return geneses;
    }

    /// <summary>The inbox's state-root arbiter in <see cref="StartWithArbiterAsync"/>: dev account 6, funded on L1 only.</summary>
    public static DevAccount Arbiter { get; } = DevAccounts.Derive(DevAccounts.TestMnemonic, 7)[6];

    /// <summary>The flag bond of an inbox with an arbiter: 0.1 ETH.</summary>
    public static readonly UInt256 FlagBond = UInt256.Parse("100000000000000000");

    /// <summary>A set on a fresh embedded L1 (instant blocks) with <paramref name="faults"/> armed.</summary>
    public static Task<FraudHarness> StartAsync(ulong challengeWindow = 3600, params InjectedFault[] faults) => StartAsync(challengeWindow, false, faults);

    /// <summary>Like <see cref="StartAsync(ulong, InjectedFault[])"/>, the inbox deployed with <see cref="Arbiter"/> and <see cref="FlagBond"/>.</summary>
    public static Task<FraudHarness> StartWithArbiterAsync(ulong challengeWindow = 3600, params InjectedFault[] faults) => StartAsync(challengeWindow, true, faults);

    private static async Task<FraudHarness> StartAsync(ulong challengeWindow, bool withArbiter, InjectedFault[] faults)
    {
        EmbeddedL1 l1 = await EmbeddedL1.StartAsync(new EmbeddedL1Options
        {
            ArtifactsDir = Path.Combine(RepoPaths.Root, "contracts", "artifacts"), RollupChainIds = ChainIds, SequencerKey = Sequencer.PrivateKey,
            Accounts = [.. Accounts, Arbiter], Mode = ProductionMode.Instant, ChallengeWindowSeconds = challengeWindow,
            Arbiter = withArbiter ? Arbiter.Address : Address.Zero, FlagBond = withArbiter ? FlagBond : UInt256.Zero,
        });
        FraudHarness h = Create(l1.Client, l1.Deployment, faults);
        h._embedded = l1;
        return h;
    }

    /// <summary>A set posting to <paramref name="l1"/> where <paramref name="deployment"/> is live and the sequencer bonded.</summary>
    public static FraudHarness Create(JsonRpcL1Client l1, L1Deployment deployment, params InjectedFault[] faults)
    {
        FaultInjector? injector = faults.Length == 0 ? null : new FaultInjector(devMode: true, faults);
        var set = new SharedSequencer(new MemoryKeyValueStore(), Geneses(), options: new SharedSequencerOptions { Cadence = SuperblockCadence.Manual, Faults = injector }, ownsDb: true);
        var poster = new BatchPoster(l1, set.Superblocks, new MemoryKeyValueStore(), new BatchPosterOptions
        {
            Inbox = deployment.Inbox, SequencerKey = Sequencer.PrivateKey, Faults = injector,
        });
        var h = new FraudHarness { L1 = l1, Deployment = deployment, Set = set, Poster = poster, Faults = injector };
        if (injector is not null) injector.Injected += (f, what) => h.Injected.Add($"{f.Kind}@{f.Height}: {what}");
        return h;
    }

    /// <summary>The sequencer takes L1 deposits from the deployment's bridge (Settlement's deposit feed, polled by hand).</summary>
    public void EnableDeposits()
    {
        Deposits = new DepositFeed(new DepositDeriver(L1, new DepositDeriverOptions { Bridge = Deployment.Bridge }), new MemoryKeyValueStore());
        Set.DepositSource = Deposits;
    }

    /// <summary>Dev account <paramref name="account"/> deposits <paramref name="wei"/> on L1 for <paramref name="to"/> on rollup <paramref name="chainId"/>.</summary>
    public async Task DepositEthAsync(int account, ulong chainId, Address to, UInt256 wei)
    {
        L1Receipt r = await new L1Wallet(L1, Accounts[account].PrivateKey).SendAsync(Deployment.Bridge, Bridge.DepositEth(chainId, to), wei);
        Assert.True(r.Succeeded);
    }

    /// <summary>The feed reads the deposits queued so far (the next superblock takes them).</summary>
    public async Task<int> PollDepositsAsync() => await Deposits!.PollAsync();

    public SetVerifier NewVerifier(string? dataDir = null, bool challenge = true, UInt256 flagBond = default) => new(L1, new VerifierOptions
    {
        Inbox = Deployment.Inbox, Geneses = Geneses(), DataDir = dataDir, ChallengerKey = challenge ? Challenger.PrivateKey : null, PollInterval = TimeSpan.FromMilliseconds(200),
        FlagBond = flagBond,
    });

    /// <summary>The arbiter's own verifier (no key: it never flags or challenges) and the arbiter on top of it.</summary>
    public (SetVerifier Verifier, FlagArbiter Arbiter) NewArbiter()
    {
        SetVerifier own = NewVerifier(challenge: false);
        return (own, new FlagArbiter(L1, own, new ArbiterOptions { Inbox = Deployment.Inbox, ArbiterKey = Arbiter.PrivateKey }));
    }

    public async Task<bool> IsFinalizedAsync(ulong index) => Word(await L1.CallAsync(Deployment.Inbox, SharedInbox.IsFinalized(index)), 0) != 0;

    /// <summary>Signs a type-2 call from dev account <paramref name="user"/> on rollup <paramref name="rollup"/> and pools it.</summary>
    public Transaction Send(int rollup, int user, Address to, UInt256 value, byte[]? data = null, ulong gas = 21_000)
    {
        RollupChain chain = Set.Chains[rollup];
        _nonces.TryGetValue((rollup, user), out ulong nonce);
        var tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(chain.ChainId), Nonce = nonce, MaxPriorityFeePerGas = UInt256.One,
            MaxFeePerGas = chain.NextBaseFee * new UInt256(4) + UInt256.One, GasLimit = gas, To = to, Value = value, Data = data ?? [],
        }.Sign(Accounts[user].PrivateKey);
        TxPoolResult r = chain.Pool.Add(tx);
        Assert.True(r.Accepted, r.Message);
        _nonces[(rollup, user)] = nonce + 1;
        return tx;
    }

    /// <summary>Bridges <paramref name="wei"/> from dev account <paramref name="user"/> on 901 to the same account on 902 (burnETH + mint).</summary>
    public Transaction BurnEth(int user, ulong wei) =>
        Send(0, user, SystemAddresses.MintBurn, new UInt256(wei), SystemCalldata.BurnEth(ChainIds[1], Accounts[user].Address), 400_000);

    /// <summary>One superblock: two transfers on each rollup plus <paramref name="burns"/> bridged amounts 901 -> 902 (users 3, 4, 5).</summary>
    public Superblock Build(int burns = 1)
    {
        Send(0, 3, Accounts[4].Address, new UInt256(1_000 + Set.Height));
        Send(1, 4, Accounts[5].Address, new UInt256(2_000 + Set.Height));
        for (int i = 0; i < burns; i++) BurnEth(3 + i, 1_000_000 + (ulong)i);
        Superblock sb = Set.BuildNext(GenesisTime + Set.Height + 1);
        foreach (BundleReport r in sb.Bundles) Assert.True(r.Outcome is BundleOutcome.Included, $"{r.Outcome}: {r.Reason}");
        return sb;
    }

    /// <summary>Posts everything sealed as one superbatch.</summary>
    public async Task<PostedSuperbatch> PostAsync()
    {
        PostedSuperbatch? p = await Poster.PostNextAsync(force: true);
        Assert.NotNull(p);
        Assert.True(p!.Receipt.Succeeded);
        return p;
    }

    public async Task<ulong> SuperbatchCountAsync() => Word(await L1.CallAsync(Deployment.Inbox, SharedInbox.SuperbatchCount()), 0);

    /// <summary>The registry's bond of <paramref name="who"/> (first member of <c>bonds(address)</c>).</summary>
    public async Task<UInt256> BondAsync(Address who) => new UInt256((await L1.CallAsync(Deployment.Registry, SequencerRegistry.Bonds(who))).AsSpan(0, 32));

    public async Task<UInt256> L1BalanceAsync(Address who)
    {
        JsonElement r = await L1.RequestAsync("eth_getBalance", [who.ToString(), "latest"]);
        return UInt256.Parse(r.GetString()!);
    }

    public async Task<IReadOnlyList<L1Log>> InboxLogsAsync(Hash256 topic) =>
        await L1.GetLogsAsync(Deployment.Inbox, 0, await L1.GetBlockNumberAsync(), topic);

    private static ulong Word(byte[] output, int word) => BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(word * 32 + 24, 8));

    public async ValueTask DisposeAsync()
    {
        Poster.Dispose();
        Set.Dispose();
        Deposits?.Dispose();
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
