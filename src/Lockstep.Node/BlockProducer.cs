using Lockstep.Chain;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Node;

/// <summary>When a single-chain node makes blocks.</summary>
public enum ProductionMode
{
    /// <summary>As soon as the pool has executable transactions, batching everything pending (anvil's automine).</summary>
    Instant,
    /// <summary>Every <see cref="ProducerOptions.BlockTime"/>, empty blocks included (anvil's --block-time).</summary>
    Interval,
    /// <summary>Only on <see cref="BlockProducer.Mine"/> (evm_mine).</summary>
    Manual,
}

/// <summary>Settings of a <see cref="BlockProducer"/>.</summary>
public sealed class ProducerOptions
{
    /// <summary>When blocks are made.</summary>
    public ProductionMode Mode { get; init; } = ProductionMode.Instant;

    /// <summary>The interval of <see cref="ProductionMode.Interval"/>.</summary>
    public TimeSpan BlockTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Fee recipient of produced blocks.</summary>
    public Address Coinbase { get; init; }

    /// <summary>Upper bound of transactions per block (besides the block gas limit).</summary>
    public int MaxTransactionsPerBlock { get; init; } = 5_000;

    /// <summary>Wall clock in unix seconds (tests substitute it).</summary>
    public Func<ulong> Clock { get; init; } = () => (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}

/// <summary>
/// Makes blocks for ONE <see cref="RollupChain"/> (the stand-alone node): selects executable pool transactions,
/// builds on the head with <see cref="BlockBuilder"/> and commits through <see cref="RollupChain.CommitBlock"/>.
/// The shared sequencer does not use it: it builds blocks of several chains together.
/// </summary>
public sealed class BlockProducer : IDisposable
{
    private readonly RollupChain _chain;
    private readonly ProducerOptions _options;
    private readonly BlockBuilder _builder;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private ulong? _nextTimestamp;
    private long _timeOffset;

    /// <summary>A producer for <paramref name="chain"/>; call <see cref="Start"/> to run its mode.</summary>
    public BlockProducer(RollupChain chain, ProducerOptions? options = null)
    {
        _chain = chain;
        _options = options ?? new ProducerOptions();
        _builder = new BlockBuilder(chain.ChainId) { BlockHashes = chain.Store };
    }

    /// <summary>The mode this producer runs.</summary>
    public ProductionMode Mode => _options.Mode;

    /// <summary>Raised when producing a block failed (the loop keeps running).</summary>
    public event Action<Exception>? Failed;

    /// <summary>Starts the background loop (no-op in <see cref="ProductionMode.Manual"/>).</summary>
    public void Start()
    {
        if (_options.Mode == ProductionMode.Manual || _thread is not null) return;
        if (_options.Mode == ProductionMode.Instant) _chain.Pool.TransactionAdded += OnTransactionAdded;
        _thread = new Thread(Run) { IsBackground = true, Name = $"block-producer-{_chain.ChainId}" };
        _thread.Start();
        // Transactions pooled before the start (none on a fresh node) still get a block.
        if (_options.Mode == ProductionMode.Instant && _chain.Pool.PendingCount > 0) _wake.Release();
    }

    private void OnTransactionAdded(PooledTransaction tx) => _wake.Release();

    private void Run()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (_options.Mode == ProductionMode.Interval)
                {
                    if (stop.WaitHandle.WaitOne(_options.BlockTime)) return;
                    Mine();
                }
                else
                {
                    _wake.Wait(stop);
                    // Everything that arrived meanwhile goes into this block: drain the wake-ups.
                    while (_wake.CurrentCount > 0) _wake.Wait(0);
                    while (_chain.Pool.PendingCount > 0 && !stop.IsCancellationRequested)
                        if (Mine().Block.Transactions.Count == 0) break;
                }
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) { Failed?.Invoke(e); }
        }
    }

    /// <summary>Makes the next block now with whatever is executable in the pool (possibly none).</summary>
    public BlockData Mine(ulong? timestamp = null)
    {
        lock (_chain.WriteLock)
        {
            BlockHeader parent = _chain.Head;
            UInt256 baseFee = FeeRules.NextBaseFee(parent);
            IReadOnlyList<PooledTransaction> selected = _chain.Pool.SelectForBlock(baseFee, parent.GasLimit, _options.MaxTransactionsPerBlock);
            ChainState state = _chain.Store.OpenHeadState();
            var attributes = new BlockAttributes
            {
                Coinbase = _options.Coinbase,
                Timestamp = NextTimestamp(parent, timestamp),
                // No beacon chain above a rollup: a deterministic stand-in for RANDAO and the beacon root.
                PrevRandao = parent.Hash,
                ParentBeaconBlockRoot = Hash256.Zero,
            };
            // The pool recovered (and so verified) every sender at admission: reuse them instead of paying a second
            // secp256k1 recovery per transaction, as BlockBuilder.Build would (about 60 us each, see
            // docs/benchmarks.md "Sender recovery").
            BlockInProgress block = _builder.Begin(parent, state.World, attributes);
            List<SkippedTransaction>? skipped = null;
            for (int i = 0; i < selected.Count; i++)
            {
                PooledTransaction pooled = selected[i];
                if (!block.TryAdd(pooled.Transaction, pooled.Sender, out _, out InvalidTransactionReason invalid))
                    (skipped ??= []).Add(new SkippedTransaction(i, pooled.Transaction, TransactionError.None, invalid));
            }
            BuiltBlock built = block.Seal(skipped);
            return _chain.CommitBlock(built, state);
        }
    }

    /// <summary>The next block gets exactly this timestamp (evm_setNextBlockTimestamp); must exceed the head's.</summary>
    public void SetNextTimestamp(ulong timestamp)
    {
        if (timestamp <= _chain.Head.Timestamp)
            throw new ArgumentException($"timestamp {timestamp} is not after the head's {_chain.Head.Timestamp}");
        _nextTimestamp = timestamp;
    }

    /// <summary>Moves the producer's clock forward (evm_increaseTime); returns the total offset in seconds.</summary>
    public long IncreaseTime(long seconds) => Interlocked.Add(ref _timeOffset, seconds);

    private ulong NextTimestamp(BlockHeader parent, ulong? requested)
    {
        ulong ts = requested ?? _nextTimestamp ?? (ulong)((long)_options.Clock() + Interlocked.Read(ref _timeOffset));
        _nextTimestamp = null;
        // A block's timestamp must exceed its parent's (Yellow Paper 4.3.4); several blocks a second run ahead.
        return ts > parent.Timestamp ? ts : parent.Timestamp + 1;
    }

    /// <summary>Stops the loop and waits for the block in progress.</summary>
    public void Dispose()
    {
        _chain.Pool.TransactionAdded -= OnTransactionAdded;
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
        _wake.Dispose();
    }
}
