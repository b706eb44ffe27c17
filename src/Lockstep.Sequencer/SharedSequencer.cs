using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Sequencer;

/// <summary>When the shared sequencer seals a superblock.</summary>
public enum SuperblockCadence
{
    /// <summary>As soon as any rollup's pool has an executable transaction (everything pending goes in), like anvil's automine.</summary>
    Instant,
    /// <summary>Every <see cref="SharedSequencerOptions.BlockTime"/>, empty or not.</summary>
    Interval,
    /// <summary>Only when <see cref="SharedSequencer.BuildNext"/> is called.</summary>
    Manual,
}

/// <summary>Settings of a <see cref="SharedSequencer"/>.</summary>
public sealed class SharedSequencerOptions
{
    /// <summary>When superblocks are sealed.</summary>
    public SuperblockCadence Cadence { get; init; } = SuperblockCadence.Instant;

    /// <summary>Time between superblocks in <see cref="SuperblockCadence.Interval"/> mode.</summary>
    public TimeSpan BlockTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Fee recipient of every rollup's blocks.</summary>
    public Address Coinbase { get; init; }

    /// <summary>Most user transactions taken from one rollup's pool per superblock.</summary>
    public int MaxTransactionsPerRollup { get; init; } = 5_000;

    /// <summary>Most hops of a cross-rollup bundle (<see cref="SuperblockBuilder.MaxDepth"/>).</summary>
    public int MaxDepth { get; init; } = SuperblockBuilder.DefaultMaxDepth;

    /// <summary>Builder protection against senders of failing bundles (issue 8, <see cref="BundleAdmission"/>); null: none.</summary>
    public BundleAdmission? Admission { get; init; }

    /// <summary>Unix seconds now; tests replace it.</summary>
    public Func<ulong> Clock { get; init; } = () => (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Tests and devnets only: a cheating sequencer (<see cref="FaultInjector"/>, issue 6); null (the default) builds honestly.</summary>
    public FaultInjector? Faults { get; init; }
}

/// <summary>
/// The shared sequencer as a running service: the rollups of one set (each a <see cref="RollupChain"/> with its pool,
/// RPC-facing reads and subscriptions) stored in ONE key-value store, sealed together by the
/// <see cref="SuperblockBuilder"/> and committed atomically by the <see cref="SuperblockStore"/>. It records the fate
/// of every user transaction that is not a plain inclusion (rejected bundles with their reason, invalid transactions,
/// cross-rollup bundles with their legs) in <see cref="Statuses"/>, in the same write batch as the superblock.
/// </summary>
public sealed partial class SharedSequencer : IDisposable
{
    private readonly IKeyValueStore _db;
    private readonly bool _ownsDb;
    private readonly SharedSequencerOptions _options;
    private readonly RollupChain[] _chains;
    private readonly SuperblockStore _store;
    private readonly SuperblockBuilder _builder;
    private readonly Lock _buildLock = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    // Disarmed by a recovery (SharedSequencer.Recovery.cs): the rebuilt superblocks must be honest.
    private FaultInjector? _faults;

    /// <summary>
    /// Opens (or creates from <paramref name="geneses"/>, one per rollup, in set order) the rollups in
    /// <paramref name="db"/>. Every genesis must carry the same timestamp so the superblocks' blocks share theirs.
    /// </summary>
    public SharedSequencer(IKeyValueStore db, IReadOnlyList<Genesis> geneses, Func<Genesis, TxPoolOptions>? poolOptions = null,
        SharedSequencerOptions? options = null, bool ownsDb = false)
    {
        ArgumentNullException.ThrowIfNull(geneses);
        if (geneses.Count == 0) throw new ArgumentException("a set has at least one rollup", nameof(geneses));
        _db = db;
        _ownsDb = ownsDb;
        _options = options ?? new SharedSequencerOptions();
        _faults = _options.Faults;
        _chains = new RollupChain[geneses.Count];
        var tables = new List<(ulong, PrefixedKeyValueStore, ChainStore)>(geneses.Count);
        try
        {
            for (int i = 0; i < geneses.Count; i++)
            {
                Genesis g = geneses[i];
                PrefixedKeyValueStore table = SuperblockStore.ChainTable(db, g.ChainId);
                _chains[i] = new RollupChain(table, g, poolOptions?.Invoke(g));
                tables.Add((g.ChainId, table, _chains[i].Store));
            }
        }
        catch
        {
            foreach (RollupChain? c in _chains) c?.Dispose();
            throw;
        }
        ulong height = _chains[0].Head.Number;
        foreach (RollupChain c in _chains)
            if (c.Head.Number != height)
                throw new InvalidOperationException($"rollup {c.ChainId} is at block {c.Head.Number}, rollup {_chains[0].ChainId} at {height}: the store is not a superblock boundary");
        _store = new SuperblockStore(db, tables);
        Statuses = new BundleStatusStore(db);
        _builder = new SuperblockBuilder { MaxDepth = _options.MaxDepth };
        PendingRecovery = ReadRecovery();
    }

    /// <summary>The rollups, in set order.</summary>
    public IReadOnlyList<RollupChain> Chains => _chains;

    /// <summary>The rollup with chain id <paramref name="chainId"/>, null when it is not in the set.</summary>
    public RollupChain? Chain(ulong chainId)
    {
        foreach (RollupChain c in _chains) if (c.ChainId == chainId) return c;
        return null;
    }

    /// <summary>Height of the last superblock (every rollup's head number).</summary>
    public ulong Height => _chains[0].Head.Number;

    /// <summary>The persisted superblock index.</summary>
    public SuperblockStore Superblocks => _store;

    /// <summary>What became of user transactions that were not plain inclusions.</summary>
    public BundleStatusStore Statuses { get; }

    /// <summary>
    /// Wall time of the last <see cref="BuildNext"/> (select, execute, commit), set before <see cref="SuperblockSealed"/>
    /// is raised so its handlers can read it (the devnet's build-time histogram).
    /// </summary>
    public TimeSpan LastBuildDuration { get; private set; }

    /// <summary>L1 deposits to execute at the start of the next superblocks (settlement's deposit feed); null: none.</summary>
    public IDepositSource? DepositSource { get; set; }

    /// <summary>Wakes the <see cref="SuperblockCadence.Instant"/> loop (a deposit arrived).</summary>
    public void Wake() => _wake.Release();

    /// <summary>Raised after each committed superblock (heads moved, pools updated, statuses written).</summary>
    public event Action<Superblock>? SuperblockSealed;

    /// <summary>Raised when building or committing a superblock throws (the loop goes on).</summary>
    public event Action<Exception>? Failed;

    /// <summary>Starts the background loop (nothing to do in <see cref="SuperblockCadence.Manual"/> mode).</summary>
    public void Start()
    {
        if (_options.Cadence == SuperblockCadence.Manual || _thread is not null) return;
        if (_options.Cadence == SuperblockCadence.Instant)
            foreach (RollupChain c in _chains) c.Pool.TransactionAdded += OnTransactionAdded;
        _thread = new Thread(Run) { IsBackground = true, Name = "shared-sequencer" };
        _thread.Start();
        if (_options.Cadence == SuperblockCadence.Instant && AnyPending()) _wake.Release();
    }

    private void OnTransactionAdded(PooledTransaction tx) => _wake.Release();

    private bool AnyPending()
    {
        foreach (RollupChain c in _chains) if (c.Pool.PendingCount > 0) return true;
        return Deposits.HasPending(DepositSource, _chains);
    }

    private void Run()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (_options.Cadence == SuperblockCadence.Interval)
                {
                    if (stop.WaitHandle.WaitOne(_options.BlockTime)) return;
                    BuildNext();
                }
                else
                {
                    _wake.Wait(stop);
                    while (_wake.CurrentCount > 0) _wake.Wait(0);
                    // A superblock that included nothing (everything rejected or invalid) ends the burst: the
                    // rejected transactions are gone from the pools, so this cannot spin.
                    while (AnyPending() && !stop.IsCancellationRequested)
                        if (BuildNext().Bundles.Count == 0) break;
                }
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) { Failed?.Invoke(e); }
        }
    }

    /// <summary>
    /// Builds, commits and announces the next superblock from the pools' executable transactions (empty blocks on
    /// rollups with nothing to do). Serialized with every other writer of the rollups.
    /// </summary>
    public Superblock BuildNext(ulong? timestamp = null)
    {
        lock (_buildLock)
        {
            // Every rollup's write lock, always in set order, so nobody else commits a block in between.
            for (int i = 0; i < _chains.Length; i++) _chains[i].WriteLock.Enter();
            try
            {
                return BuildLocked(timestamp);
            }
            finally
            {
                for (int i = _chains.Length - 1; i >= 0; i--) _chains[i].WriteLock.Exit();
            }
        }
    }

    // replay: the user transactions of each rollup (set order) to rebuild instead of the pools' selection (a recovery);
    // alsoStage: more records for the superblock's batch.
    private Superblock BuildLocked(ulong? timestamp, IReadOnlyList<Transaction>[]? replay = null, Action<IWriteBatch>? alsoStage = null)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var inputs = new RollupInput[_chains.Length];
        var states = new Dictionary<ulong, ChainState>(_chains.Length);
        ulong parentTimestamp = 0;
        BundleAdmission? admission = replay is null ? _options.Admission : null;
        long[]? watermarks = replay is null ? QueuedWatermarks() : null; // SharedSequencer.Recovery.cs
        admission?.BeginSuperblock();
        for (int i = 0; i < _chains.Length; i++)
        {
            RollupChain c = _chains[i];
            BlockHeader parent = c.Head;
            parentTimestamp = Math.Max(parentTimestamp, parent.Timestamp);
            ChainState state = c.Store.OpenHeadState();
            states[c.ChainId] = state;
            if (replay is not null)
            {
                // Senders recovered by the builder: a transaction that no longer verifies is reported Invalid.
                inputs[i] = new RollupInput { ChainId = c.ChainId, Parent = parent, State = state.World, Transactions = replay[i], Senders = null, BlockHashes = c.Store };
                continue;
            }
            IReadOnlyList<PooledTransaction> selected = admission is not null
                ? admission.Select(n => c.Pool.SelectForBlock(FeeRules.NextBaseFee(parent), parent.GasLimit, n), _options.MaxTransactionsPerRollup)
                : c.Pool.SelectForBlock(FeeRules.NextBaseFee(parent), parent.GasLimit, _options.MaxTransactionsPerRollup);
            var txs = new Transaction[selected.Count];
            var senders = new Address[selected.Count];
            for (int k = 0; k < txs.Length; k++)
            {
                txs[k] = selected[k].Transaction;
                senders[k] = selected[k].Sender;
            }
            inputs[i] = new RollupInput { ChainId = c.ChainId, Parent = parent, State = state.World, Transactions = txs, Senders = senders, BlockHashes = c.Store };
        }
        Deposits.Attach(DepositSource, inputs);
        ulong now = timestamp ?? _options.Clock();
        var attributes = new SuperblockAttributes
        {
            // A block's timestamp exceeds its parent's (Yellow Paper 4.3.4); bursts of superblocks run ahead of the clock.
            Timestamp = now > parentTimestamp ? now : parentTimestamp + 1,
            Coinbase = _options.Coinbase,
            // No beacon chain above the rollups: a deterministic stand-in for RANDAO (the first rollup's head hash).
            PrevRandao = _chains[0].Head.Hash,
            ParentBeaconBlockRoot = Hash256.Zero,
        };
        Superblock sb = _builder.Build(inputs, attributes);
        if (_faults is { } faults) sb = faults.Apply(sb, inputs, attributes, states, id => Chain(id)!.Store); // tests/devnet only (FaultInjection.cs)
        _store.Commit(sb, states, batch =>
        {
            Statuses.Stage(batch, sb);
            StageExcluded(batch, sb, inputs, watermarks); // SharedSequencer.Recovery.cs: what a rewind must offer again
            alsoStage?.Invoke(batch);
        });
        admission?.Record(sb);
        foreach (BundleReport r in sb.Bundles)
            if (r.Outcome == BundleOutcome.Rejected)
                Chain(r.ChainId)!.Pool.Remove(r.TxHash, "rejected: " + r.Reason);
        foreach (RollupBlock b in sb.Blocks) Chain(b.ChainId)!.OnBlockCommitted(b.Built);
        LastBuildDuration = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        SuperblockSealed?.Invoke(sb);
        return sb;
    }

    /// <summary>Stops the loop and closes the rollups (and the store when owned).</summary>
    public void Dispose()
    {
        foreach (RollupChain c in _chains) c.Pool.TransactionAdded -= OnTransactionAdded;
        _stop.Cancel();
        _thread?.Join();
        foreach (RollupChain c in _chains) c.Dispose();
        if (_ownsDb) _db.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }
}
