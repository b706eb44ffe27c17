using System.Buffers.Binary;
using Lockstep.Chain;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.State;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Testing;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Recovery.Tests;

/// <summary>
/// Two rollups (901, 902) under a shared sequencer (honest or armed with a <see cref="FaultInjector"/>), optionally
/// settling on an L1 (embedded or anvil). Dev accounts of the test mnemonic: 0 deployer, 1 sequencer (the cheater when
/// faults are armed), 2 the second bonded sequencer (the honest continuation), 3 challenger (the verifier's key),
/// 4-8 users with ETH on both rollups and LST on 901, 9 funded nowhere on L2 (the forged mint's beneficiary), 10 the
/// inbox's state-root arbiter (funded on L1 only; flag bond <see cref="FlagBond"/>).
/// </summary>
internal sealed class RecoverySet : IAsyncDisposable
{
    public static readonly ulong[] ChainIds = [901, 902];
    public const ulong GenesisTime = 1_700_000_000;
    public static readonly UInt256 Ether = UInt256.Parse("1000000000000000000");
    public static IReadOnlyList<DevAccount> Accounts { get; } = DevAccounts.Derive(DevAccounts.TestMnemonic, 11);
    public static readonly UInt256 FlagBond = UInt256.Parse("100000000000000000");
    public static DevAccount Cheater => Accounts[1];
    public static DevAccount Honest => Accounts[2];
    public static DevAccount Challenger => Accounts[3];
    public static DevAccount Unfunded => Accounts[9];
    public static DevAccount Arbiter => Accounts[10];
    public static readonly int[] Users = [4, 5, 6, 7, 8];

    private readonly Dictionary<(int, int), ulong> _nonces = new();
    private EmbeddedL1? _embedded;
    private Anvil? _anvil;

    public required IKeyValueStore Db { get; init; }
    public required SharedSequencer Set { get; init; }
    public JsonRpcL1Client? L1 { get; private set; }
    public L1Deployment? Deployment { get; private set; }
    public IKeyValueStore PosterDb { get; } = new MemoryKeyValueStore();

    public static IReadOnlyList<Genesis> Geneses()
    {
        var funded = new List<Address>();
        for (int i = 0; i < 9; i++) funded.Add(Accounts[i].Address);
        var holders = new List<KeyValuePair<Address, UInt256>>();
        foreach (int u in Users) holders.Add(new(Accounts[u].Address, Ether * new UInt256(1_000)));
        var geneses = new List<Genesis>();
        foreach (ulong id in ChainIds)
            geneses.Add(Predeploys.Apply(DevGenesis.Create(id, funded, timestamp: GenesisTime), ChainIds, new PredeployOptions { TokenHolders = holders }));
        return geneses;
    }

    /// <summary>A set in <paramref name="db"/> (memory when null) with <paramref name="faults"/> armed.</summary>
    public static RecoverySet Open(IKeyValueStore? db = null, params InjectedFault[] faults)
    {
        db ??= new MemoryKeyValueStore();
        FaultInjector? injector = faults.Length == 0 ? null : new FaultInjector(devMode: true, faults);
        var set = new SharedSequencer(db, Geneses(), options: new SharedSequencerOptions { Cadence = SuperblockCadence.Manual, Faults = injector });
        return new RecoverySet { Db = db, Set = set };
    }

    /// <summary>Starts an L1 (anvil when <paramref name="anvil"/>, else embedded with instant blocks), deploys (with
    /// <see cref="Arbiter"/> as the inbox's state-root arbiter), bonds both sequencers.</summary>
    public async Task AttachL1Async(bool anvil, ulong challengeWindowSeconds = 3600)
    {
        string artifacts = Path.Combine(RepoPaths.Root, "contracts", "artifacts");
        if (anvil)
        {
            _anvil = new Anvil();
            L1 = new JsonRpcL1Client(_anvil.Url);
            Deployment = await L1Deployer.DeployAsync(L1, new L1DeployOptions
            {
                ArtifactsDir = artifacts, RollupChainIds = ChainIds, DeployerKey = Accounts[0].PrivateKey, SequencerKey = Cheater.PrivateKey, ChallengeWindowSeconds = challengeWindowSeconds,
                Arbiter = Arbiter.Address, FlagBond = FlagBond,
            });
        }
        else
        {
            _embedded = await EmbeddedL1.StartAsync(new EmbeddedL1Options
            {
                ArtifactsDir = artifacts, RollupChainIds = ChainIds, SequencerKey = Cheater.PrivateKey, Accounts = Accounts,
                Mode = ProductionMode.Instant, ChallengeWindowSeconds = challengeWindowSeconds, Arbiter = Arbiter.Address, FlagBond = FlagBond,
            });
            L1 = _embedded.Client;
            Deployment = _embedded.Deployment;
        }
        // The second sequencer bonds after the first: the schedule is active[(block / 1000) % n], so the first leads
        // until it is slashed and removed; then the second is the only one (L1SequencerRegistry).
        await new L1Wallet(L1, Honest.PrivateKey).SendCheckedAsync(Deployment.Registry, SequencerRegistry.Bond(), Ether);
    }

    public BatchPoster NewPoster(DevAccount sequencer, FaultInjector? faults = null) => new(L1!, Set.Superblocks, PosterDb, new BatchPosterOptions
    {
        Inbox = Deployment!.Inbox, SequencerKey = sequencer.PrivateKey, MaxSuperblocksPerBatch = 2, Faults = faults,
    });

    /// <summary>Signs and pools a type-2 transaction; false when the pool refuses it (the nonce is not used then).</summary>
    public bool TrySend(int rollup, int user, Address to, UInt256 value, byte[]? data = null, ulong gas = 21_000)
    {
        RollupChain chain = Set.Chains[rollup];
        _nonces.TryGetValue((rollup, user), out ulong nonce);
        Transaction tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(chain.ChainId), Nonce = nonce, MaxPriorityFeePerGas = new UInt256(1_000),
            MaxFeePerGas = new UInt256(FeeRules.InitialBaseFee) * new UInt256(4), GasLimit = gas, To = to, Value = value, Data = data ?? [],
        }.Sign(Accounts[user].PrivateKey);
        TxPoolResult r = chain.Pool.Add(tx);
        if (r.Accepted) _nonces[(rollup, user)] = nonce + 1;
        return r.Accepted;
    }

    public void Send(int rollup, int user, Address to, UInt256 value, byte[]? data = null, ulong gas = 21_000) =>
        Assert.True(TrySend(rollup, user, to, value, data, gas), $"rollup {rollup} user {user}: refused by the pool");

    public async Task<ulong> SuperbatchCountAsync() => Word(await L1!.CallAsync(Deployment!.Inbox, SharedInbox.SuperbatchCount()));

    public async Task<UInt256> BondAsync(Address who) => new UInt256((await L1!.CallAsync(Deployment!.Registry, SequencerRegistry.Bonds(who))).AsSpan(0, 32));

    public async Task<Address> LeaderAsync() => new((await L1!.CallAsync(Deployment!.Registry, SequencerRegistry.CurrentLeader())).AsSpan(12, 20));

    public static ulong Word(byte[] output) => BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(24, 8));

    /// <summary>Every user's (and the forged mint's beneficiary's) ETH and LST balance on every rollup, plus each rollup's head state root.</summary>
    public static SortedDictionary<string, string> Snapshot(SharedSequencer set)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var holders = new List<(string, Address)>();
        foreach (int u in Users) holders.Add(($"user{u}", Accounts[u].Address));
        holders.Add(("unfunded9", Unfunded.Address));
        holders.Add(("bad01", new InjectedFault(FaultKind.MintWithoutBurn, 0).Recipient));
        foreach (RollupChain c in set.Chains)
        {
            WorldState w = c.Store.OpenHeadState().World;
            foreach ((string name, Address a) in holders)
            {
                result[$"{c.ChainId}/{name}/eth"] = w.GetBalance(a).ToString();
                // OpenZeppelin ERC20 v5: _balances is the mapping at slot 0.
                result[$"{c.ChainId}/{name}/lst"] = w.GetStorage(SystemAddresses.CrossRollupToken, Lockstep.SystemContracts.MessageTreesLayout.MappingSlot(a, UInt256.Zero)).ToString();
            }
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        Set.Dispose();
        Db.Dispose();
        PosterDb.Dispose();
        L1?.Dispose();
        if (_embedded is not null) await _embedded.DisposeAsync();
        _anvil?.Dispose();
    }
}
