using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Settlement.Tests;

/// <summary>A running SharedSequencer over 2 rollups (901, 902) in one store, superblocks built by hand.</summary>
internal sealed class L2Set : IDisposable
{
    public static readonly ulong[] ChainIds = [901, 902];
    private const ulong GenesisTime = 1_700_000_000;
    private readonly Dictionary<(int, int), ulong> _nonces = new();

    public IKeyValueStore Db { get; }
    public IReadOnlyList<DevAccount> Users { get; } = DevAccounts.Derive(DevAccounts.TestMnemonic, 4);
    public SharedSequencer Sequencer { get; private set; }

    private readonly PredeployOptions? _predeploy;

    /// <summary>This set's chain ids (<see cref="ChainIds"/> unless given).</summary>
    public IReadOnlyList<ulong> Ids { get; }

    public L2Set(IKeyValueStore? db = null, PredeployOptions? predeploy = null, ulong[]? chainIds = null)
    {
        Db = db ?? new MemoryKeyValueStore();
        _predeploy = predeploy;
        Ids = chainIds ?? ChainIds;
        Sequencer = Open();
    }

    /// <summary>Closes the sequencer (not the store) and opens it again from the store: a restart.</summary>
    public void Reopen()
    {
        IDepositSource? deposits = Sequencer.DepositSource;
        Sequencer.Dispose();
        Sequencer = Open();
        Sequencer.DepositSource = deposits;
    }

    private SharedSequencer Open()
    {
        var geneses = new List<Genesis>();
        foreach (ulong id in Ids)
            geneses.Add(Predeploys.Apply(DevGenesis.Create(id, Users.Select(u => u.Address), timestamp: GenesisTime), Ids, _predeploy));
        return new SharedSequencer(Db, geneses, options: new SharedSequencerOptions { Cadence = SuperblockCadence.Manual });
    }

    /// <summary>Signs a type-2 call from user <paramref name="user"/> on rollup <paramref name="rollup"/> and pools it.</summary>
    public Transaction Send(int rollup, int user, Address to, UInt256 value, byte[]? data = null, ulong gas = 21_000)
    {
        RollupChain chain = Sequencer.Chains[rollup];
        _nonces.TryGetValue((rollup, user), out ulong nonce);
        var tx = new Transaction
        {
            Type = TxType.DynamicFee, ChainId = new UInt256(chain.ChainId), Nonce = nonce, MaxPriorityFeePerGas = UInt256.One,
            MaxFeePerGas = chain.NextBaseFee * new UInt256(4) + UInt256.One, GasLimit = gas, To = to, Value = value, Data = data ?? [],
        }.Sign(Users[user].PrivateKey);
        TxPoolResult r = chain.Pool.Add(tx);
        Assert.True(r.Accepted, r.Message);
        _nonces[(rollup, user)] = nonce + 1;
        return tx;
    }

    /// <summary>A few transfers on both rollups and, optionally, a cross-rollup burnETH 901 -> 902; then one superblock.</summary>
    public Superblock Build(int transfers = 2, bool crossRollup = false)
    {
        for (int i = 0; i < transfers; i++)
        {
            Send(0, 0, Users[1].Address, new UInt256(1000 + (ulong)i));
            Send(1, 2, Users[3].Address, new UInt256(2000 + (ulong)i));
        }
        if (crossRollup) Send(0, 1, SystemAddresses.MintBurn, new UInt256(5000), SystemCalldata.BurnEth(ChainIds[1], Users[3].Address), 400_000);
        return Sequencer.BuildNext(GenesisTime + Sequencer.Height + 1);
    }

    /// <summary>The block of rollup <paramref name="rollup"/> at <paramref name="height"/>.</summary>
    public Block Block(int rollup, ulong height) => Sequencer.Superblocks.Chain(Ids[rollup]).GetBlock(height)!;

    public void Dispose() => Sequencer.Dispose();
}
