using Lockstep.Chain;
using Lockstep.Evm;
using Lockstep.Execution;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Sequencer;

/// <summary>
/// Builds a superblock: one block per rollup of the set, same height and timestamp, with every cross-rollup
/// message delivered in the same superblock, all or nothing (the seed's block-building algorithm, generalized to
/// N rollups and nested messages).
/// <para>
/// Order: one global, deterministic order of user transactions, round-robin by rollup index over each rollup's
/// candidate list (round r takes candidate r of rollup 0, then of rollup 1, ...; a rollup whose list is exhausted is
/// skipped). For each user transaction: open a bundle on its rollup; execute it; if it is invalid, drop it; if it
/// reverts by itself, keep it (reverted, no messages: its logs are gone). Otherwise take the
/// <c>MintRequested</c>/<c>ActionRequested</c> logs emitted by the system contracts (MintBurn, Messenger; any other
/// emitter is ignored) in log order and deliver each as a 0x7F system transaction on its destination
/// (<see cref="SystemTransaction"/>), opening a bundle there on first use. Messages emitted by a delivery are
/// delivered after those already queued (breadth-first, in log order) up to <see cref="MaxDepth"/> hops. If a
/// delivery fails (revert, out of gas, destination outside the set, too deep, not enough block gas), every rollup
/// of the bundle is reverted and the user transaction rejected with the failing leg's decoded reason; it takes
/// neither nonce nor fee. Then every block whose message trees were appended to ends with the fold protocol
/// transaction (<c>MessageTrees.fold()</c>, <see cref="MessageTreeFold"/>), which writes their roots, and every
/// block is sealed.
/// </para>
/// </summary>
public sealed class SuperblockBuilder
{
    /// <summary>Default <see cref="MaxDepth"/>.</summary>
    public const int DefaultMaxDepth = 8;

    /// <summary>
    /// Most hops of a bundle: a delivery caused by the user transaction is at depth 1, one caused by that delivery
    /// at depth 2, and so on. A message that would be delivered deeper fails the bundle (so a ping-pong of actions
    /// cannot run without bound).
    /// </summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>
    /// The interpreter of the last build, reused by the next one (taken and returned atomically, so concurrent builds
    /// on one builder each get their own). Every rollup of a superblock executes on the same one: the system contracts'
    /// code is analysed once, and its stacks and memory stay hot across the rollups (issue 4's pair cost grew with the
    /// rollup count while each block had its own interpreter).
    /// </summary>
    private VirtualMachine? _idleVm;

    /// <summary>Threads for sender recovery when <see cref="RollupInput.Senders"/> is null (-1: all cores).</summary>
    public int MaxRecoveryParallelism { get; init; } = -1;

    /// <summary>Builds the superblock on <paramref name="rollups"/>' parents; their states end at the new blocks' post-states.</summary>
    /// <exception cref="ArgumentException">No rollups, duplicate chain ids, parents at different heights, a timestamp not after
    /// every parent's, senders of the wrong length. Nothing is executed then.</exception>
    public Superblock Build(IReadOnlyList<RollupInput> rollups, SuperblockAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        ArgumentNullException.ThrowIfNull(attributes);
        if (rollups.Count == 0) throw new ArgumentException("a superblock has at least one rollup", nameof(rollups));
        VirtualMachine vm = Interlocked.Exchange(ref _idleVm, null) ?? new VirtualMachine();
        try
        {
            return BuildOn(vm, rollups, attributes);
        }
        finally
        {
            // Whatever happened, the interpreter is between transactions again (a Reset per transaction follows).
            Interlocked.Exchange(ref _idleVm, vm)?.Dispose();
        }
    }

    private Superblock BuildOn(VirtualMachine vm, IReadOnlyList<RollupInput> rollups, SuperblockAttributes attributes)
    {
        ulong parentNumber = rollups[0].Parent.Number;
        var blocks = new BlockInProgress[rollups.Count];
        var indexOf = new Dictionary<ulong, int>(rollups.Count);
        var senders = new Address[rollups.Count][];
        var folds = new MessageTreeFold[rollups.Count];
        var signatureErrors = new TransactionError[rollups.Count][];
        int rounds = 0;
        for (int i = 0; i < rollups.Count; i++)
        {
            RollupInput r = rollups[i];
            if (!indexOf.TryAdd(r.ChainId, i)) throw new ArgumentException($"chain {r.ChainId} appears twice", nameof(rollups));
            if (r.Parent.Number != parentNumber) throw new ArgumentException($"chain {r.ChainId}'s parent is block {r.Parent.Number}, not {parentNumber}: a superblock has one height", nameof(rollups));
            // Yellow Paper 4.3.4: a block's timestamp is greater than its parent's.
            if (attributes.Timestamp <= r.Parent.Timestamp) throw new ArgumentException($"timestamp {attributes.Timestamp} is not after chain {r.ChainId}'s parent ({r.Parent.Timestamp})", nameof(attributes));
            (senders[i], signatureErrors[i]) = Recover(r);
            rounds = Math.Max(rounds, r.Transactions.Count);
            var builder = new BlockBuilder(r.ChainId) { BlockHashes = r.BlockHashes, Vm = vm };
            blocks[i] = builder.Begin(r.Parent, r.State, new BlockAttributes
            {
                Coinbase = attributes.Coinbase,
                Timestamp = attributes.Timestamp,
                GasLimit = r.GasLimit,
                PrevRandao = attributes.PrevRandao,
                ExtraData = attributes.ExtraData,
                ParentBeaconBlockRoot = attributes.ParentBeaconBlockRoot,
                // Deposits, the user transactions, about as many deliveries from the other rollups, and the fold.
                ExpectedTransactions = r.Deposits.Count + (rollups.Count > 1 ? 2 : 1) * r.Transactions.Count + 1,
            });
            Lockstep.Sequencer.Deposits.Execute(blocks[i], r.Deposits); // L1 deposits open the block (issue 5)
            folds[i] = new MessageTreeFold(blocks[i], r.Parent.Hash);
        }

        int userTransactions = 0;
        for (int i = 0; i < rollups.Count; i++) userTransactions += rollups[i].Transactions.Count;
        var reports = new List<BundleReport>(userTransactions);
        var skipped = new List<SkippedTransaction>[rollups.Count];
        for (int i = 0; i < skipped.Length; i++) skipped[i] = new List<SkippedTransaction>();
        var run = new BundleRun(blocks, folds, indexOf, MaxDepth);
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < rollups.Count; i++)
            {
                IReadOnlyList<Transaction> candidates = rollups[i].Transactions;
                if (round >= candidates.Count) continue;
                Transaction tx = candidates[round];
                TransactionError sigError = signatureErrors[i][round];
                if (sigError != TransactionError.None)
                {
                    skipped[i].Add(new SkippedTransaction(round, tx, sigError, InvalidTransactionReason.None));
                    reports.Add(new BundleReport { ChainId = rollups[i].ChainId, Transaction = tx, Outcome = BundleOutcome.Invalid, Reason = sigError.ToString() });
                    continue;
                }
                BundleReport report = run.Execute(i, tx, senders[i][round]);
                if (report.Outcome == BundleOutcome.Invalid)
                    skipped[i].Add(new SkippedTransaction(round, tx, TransactionError.None, run.LastInvalid));
                reports.Add(report);
            }
        }

        // The end-of-block fold: every tree appended to in this block gets its root (docs/protocol.md).
        for (int i = 0; i < rollups.Count; i++) folds[i].AppendIfNeeded();
        var sealedBlocks = new RollupBlock[rollups.Count];
        for (int i = 0; i < rollups.Count; i++) sealedBlocks[i] = new RollupBlock(rollups[i].ChainId, blocks[i].Seal(skipped[i]));
        return new Superblock { Height = parentNumber + 1, Timestamp = attributes.Timestamp, Blocks = sealedBlocks, Bundles = reports };
    }

    private (Address[], TransactionError[]) Recover(RollupInput r)
    {
        int n = r.Transactions.Count;
        var senders = new Address[n];
        var errors = new TransactionError[n];
        if (r.Senders is { } given)
        {
            if (given.Count != n) throw new ArgumentException($"chain {r.ChainId}: {given.Count} senders for {n} transactions");
            for (int k = 0; k < n; k++)
            {
                senders[k] = given[k];
                // The pool recovered these; a protocol transaction still never comes from a user.
                errors[k] = r.Transactions[k].IsSystem ? TransactionError.SystemTransactionNotAllowed : TransactionError.None;
            }
            return (senders, errors);
        }
        SenderRecovery.RecoverAll(r.Transactions, r.ChainId, senders, errors, MaxRecoveryParallelism);
        return (senders, errors);
    }

    /// <summary>The per-superblock machinery of one bundle: queue of messages, touched rollups, legs.</summary>
    private sealed class BundleRun(BlockInProgress[] blocks, MessageTreeFold[] folds, Dictionary<ulong, int> indexOf, int maxDepth)
    {
        private readonly Queue<(CrossRollupMessage Message, Hash256 SourceTx, int Depth)> _queue = new();
        private readonly List<int> _touched = new();
        private readonly List<BundleLeg> _legs = new();

        public InvalidTransactionReason LastInvalid { get; private set; }

        public BundleReport Execute(int rollup, Transaction tx, in Address sender)
        {
            BlockInProgress source = blocks[rollup];
            ulong chainId = source.ChainId;
            _queue.Clear();
            _touched.Clear();
            _legs.Clear();
            Begin(rollup);
            // A block that will end with the fold keeps its gas for it (a user transaction is refused as for a full block).
            bool fits = tx.GasLimit <= source.GasRemaining - folds[rollup].Reserved;
            InvalidTransactionReason invalid = InvalidTransactionReason.GasLimitExceedsBlock;
            TransactionResult result = null!;
            if (!fits || !source.TryAdd(tx, sender, out result, out invalid))
            {
                RevertAll();
                LastInvalid = invalid;
                return new BundleReport { ChainId = chainId, Transaction = tx, Outcome = BundleOutcome.Invalid, Reason = invalid.ToString() };
            }
            _legs.Add(new BundleLeg(chainId, tx.Hash, 0, 0, 0, default));
            if (!result.Success)
            {
                CommitAll();
                return new BundleReport { ChainId = chainId, Transaction = tx, Outcome = BundleOutcome.IncludedReverted, Legs = _legs.ToArray(), Reason = RevertReason.Describe(result.Status, result.Output) };
            }
            int queued = Enqueue(result.Logs, chainId, tx.Hash, 1);

            while (_queue.Count > 0)
            {
                (CrossRollupMessage m, Hash256 sourceTx, int depth) = _queue.Dequeue();
                var leg = new BundleLeg(m.Destination, default, depth, m.Source, m.Nonce, m.MessageHash);
                string? failure = null;
                if (depth > maxDepth) failure = $"message depth {depth} exceeds the limit of {maxDepth}";
                else if (!indexOf.TryGetValue(m.Destination, out int destination)) failure = $"destination chain {m.Destination} is not in this superblock";
                else
                {
                    Begin(destination);
                    BlockInProgress target = blocks[destination];
                    Transaction delivery = SystemTransaction.Create(m.Destination, m.Source, sourceTx, m.Nonce, m.DeliveryTo, m.DeliveryGas, m.DeliveryCalldata);
                    leg = leg with { TxHash = delivery.Hash };
                    ulong foldGas = folds[destination].GasLimit;
                    TransactionResult delivered = null!;
                    if (delivery.GasLimit > target.GasRemaining - Math.Min(foldGas, target.GasRemaining) || !target.TryAddSystem(delivery, out delivered))
                        failure = $"block gas limit of chain {m.Destination}: {target.GasRemaining} gas left, the delivery needs {delivery.GasLimit} and the end-of-block fold {foldGas}";
                    else if (!delivered.Success)
                        failure = RevertReason.Describe(delivered.Status, delivered.Output);
                    else
                    {
                        _legs.Add(leg);
                        queued += Enqueue(delivered.Logs, m.Destination, delivery.Hash, depth + 1);
                    }
                }
                if (failure is not null)
                {
                    RevertAll();
                    string kind = m.Kind == MessageKind.Mint ? "mint" : "action";
                    return new BundleReport
                    {
                        ChainId = chainId, Transaction = tx, Outcome = BundleOutcome.Rejected, FailedLeg = leg,
                        Reason = $"{kind} #{m.Nonce} from chain {m.Source} to chain {m.Destination} (depth {depth}) failed: {failure}",
                    };
                }
            }
            if (queued > 0)
            {
                // Every rollup of the bundle appended to a tree: it must keep room for the fold at the end of its block.
                foreach (int r in _touched)
                {
                    if (blocks[r].GasRemaining >= folds[r].GasLimit) continue;
                    RevertAll();
                    return new BundleReport
                    {
                        ChainId = chainId, Transaction = tx, Outcome = BundleOutcome.Rejected, FailedLeg = _legs[^1],
                        Reason = $"block gas limit of chain {blocks[r].ChainId}: {blocks[r].GasRemaining} gas left, the end-of-block fold needs {folds[r].GasLimit}",
                    };
                }
                foreach (int r in _touched) folds[r].Required = true;
            }
            CommitAll();
            return new BundleReport { ChainId = chainId, Transaction = tx, Outcome = BundleOutcome.Included, Legs = _legs.ToArray() };
        }

        private int Enqueue(IReadOnlyList<Lockstep.State.LogEntry> logs, ulong chainId, Hash256 txHash, int depth)
        {
            int queued = 0;
            for (int k = 0; k < logs.Count; k++)
            {
                // TryDecode accepts only the system contracts' own request events (emitter and topic both checked),
                // so a user contract emitting a look-alike event sends nothing.
                if (CrossRollupMessage.TryDecode(logs[k], chainId, out CrossRollupMessage m)) { _queue.Enqueue((m, txHash, depth)); queued++; }
            }
            return queued;
        }

        private void Begin(int rollup)
        {
            if (blocks[rollup].InBundle) return;
            blocks[rollup].BeginBundle();
            _touched.Add(rollup);
        }

        private void CommitAll()
        {
            foreach (int r in _touched) blocks[r].CommitBundle();
        }

        private void RevertAll()
        {
            foreach (int r in _touched) blocks[r].RevertBundle();
        }
    }
}
