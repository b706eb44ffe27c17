using System.Buffers.Binary;
using System.Diagnostics;
using Lockstep.Chain;
using Lockstep.Execution;
using Lockstep.L1Contracts;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;
using MessageTreesLayout = Lockstep.SystemContracts.MessageTreesLayout;

namespace Lockstep.Verifier;

/// <summary>Settings of a <see cref="SetVerifier"/>.</summary>
public sealed class VerifierOptions
{
    /// <summary>The L1SharedInbox of the set.</summary>
    public required Address Inbox { get; init; }

    /// <summary>Every rollup's genesis, in the inbox's <c>chainIds()</c> order (the sequencer's order).</summary>
    public required IReadOnlyList<Genesis> Geneses { get; init; }

    /// <summary>Where the replicas and verdicts live (RocksDB, <c>replicas/</c> and <c>verdicts/</c>); null: in memory (tests).</summary>
    public string? DataDir { get; init; }

    /// <summary>The blocks' fee recipient: a rule of the set's configuration (not posted); the devnet uses zero.</summary>
    public Address Coinbase { get; init; }

    /// <summary>A funded L1 key that signs challenges and flags; null: detect and report only.</summary>
    public byte[]? ChallengerKey { get; init; }

    /// <summary>Submit the shared fraud proof on a cross-root mismatch (needs <see cref="ChallengerKey"/>).</summary>
    public bool Challenge { get; init; } = true;

    /// <summary>Call <c>flagStateRoot</c> on a state-root mismatch (needs <see cref="ChallengerKey"/>).</summary>
    public bool FlagStateRoots { get; init; } = true;

    /// <summary>Value sent with <c>flagStateRoot</c> (the inbox's flagBond when it has an arbiter; 0 otherwise).</summary>
    public UInt256 FlagBond { get; init; }

    /// <summary>Background loop period.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>First L1 block to scan for <c>SuperbatchSubmitted</c> (the inbox's deployment block, when known).</summary>
    public ulong FromL1Block { get; init; }

    /// <summary>Most L1 blocks per <c>eth_getLogs</c>.</summary>
    public ulong MaxLogRange { get; init; } = 5_000;

    /// <summary>The L1Bridge whose <c>DepositQueued</c> events the deposits are checked against; null: the inbox's <c>depositQueue()</c>.</summary>
    public Address? Bridge { get; init; }

    /// <summary>How long to wait for the receipt of a challenge or flag.</summary>
    public TimeSpan ActionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Verdicts kept in memory (the newest; every verdict stays in the store): <see cref="VerdictStore.Window"/>.</summary>
    public int VerdictWindow { get; init; } = VerdictStore.DefaultWindow;
}

/// <summary>Progress numbers (a console progress bar, metrics, <c>lockstep_verifierStatus</c>).</summary>
/// <param name="L1Superbatches">Live superbatches on the inbox at the last poll.</param>
/// <param name="VerifiedSuperbatches">Superbatches verified on the current replicas (the next index to verify).</param>
/// <param name="ReplicaHeight">Every replica's head block (superblock height).</param>
/// <param name="TargetHeight">Last block of the newest live superbatch seen (0 before the first).</param>
/// <param name="BlocksReplayed">Blocks re-executed since start (every rollup counted).</param>
/// <param name="TransactionsReplayed">Transactions re-executed since start (deliveries included).</param>
/// <param name="ReplaySeconds">Wall time spent re-executing and committing those blocks.</param>
/// <param name="Halted">Why the verifier stopped following (a fraud verdict waiting for L1 to reject it), null when following.</param>
public sealed record VerifierProgress(ulong L1Superbatches, ulong VerifiedSuperbatches, ulong ReplicaHeight, ulong TargetHeight, long BlocksReplayed,
    long TransactionsReplayed, double ReplaySeconds, string? Halted);

/// <summary>
/// The verifier full node (issue 6; the seed's shared fraud proofs): follows L1SharedInbox from L1 data alone, derives
/// every rollup of the set from the posted batches (format 0x02: every transaction of every block, deliveries
/// included), re-executes each block on its own replicas (a <see cref="SharedSequencer"/>-shaped store, never fed by the
/// sequencer) and checks per superbatch (1) each claimed state root against the re-executed one and (2) every outbox
/// root (X for Y) against the matching inbox root (Y for X). On (2) it builds the account proof of MessageTrees and the
/// two storage proofs against the claimed roots and calls <c>challenge</c> itself; on (1) it raises the alarm
/// (verdict, <see cref="VerdictReached"/>, <c>flagStateRoot</c>). It then stops following until L1 rejects the bad
/// superbatch, and re-derives the set from L1 once the inbox history changed (see docs/verifier.md).
/// </summary>
public sealed class SetVerifier : IAsyncDisposable
{
    private static readonly byte[] ProgressKey = "verifier/progress"u8.ToArray();
    private readonly L1Access _l1;
    private readonly VerifierOptions _options;
    private readonly ulong[] _chainIds;
    private readonly IKeyValueStore _meta;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<ulong, List<(SuperbatchSubmittedEvent Event, L1Log Log)>> _events = new();
    private ulong _scannedTo;
    private bool _scannedAny;
    private SharedSequencer _replicas;
    private (ulong NextIndex, Hash256 LastHash) _progress;
    private SuperbatchVerdict? _halted;
    private ulong _l1Count, _target;
    // L1 deposits from queue index _depositBase on (the ones before are consumed by verified superbatches and
    // dropped; _depositBaseHash is their queue hash, committed by the last of those superbatches).
    private readonly List<DerivedDeposit> _deposits = new();
    private ulong _depositBase;
    private Hash256 _depositBaseHash;
    private ulong _depositsScannedTo;
    private bool _depositsScannedAny;
    private DepositDeriver? _depositDeriver;
    private bool _bridgeKnown;
    private long _blocks, _txs, _replayTicks;
    private Task? _loop;

    /// <summary>Opens (or resumes from <see cref="VerifierOptions.DataDir"/>) a verifier of the set behind <paramref name="options"/>.Inbox.</summary>
    public SetVerifier(JsonRpcL1Client l1, VerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Geneses.Count == 0) throw new ArgumentException("a set has at least one rollup", nameof(options));
        _l1 = new L1Access(l1);
        _options = options;
        _chainIds = new ulong[options.Geneses.Count];
        for (int i = 0; i < _chainIds.Length; i++) _chainIds[i] = options.Geneses[i].ChainId;
        _meta = options.DataDir is null ? new MemoryKeyValueStore() : new RocksDbKeyValueStore(Path.Combine(options.DataDir, "verdicts"));
        Verdicts = new VerdictStore(_meta, options.VerdictWindow);
        _replicas = OpenReplicas();
        _progress = ReadProgress();
        foreach (SuperbatchVerdict v in Verdicts.ReadAt(_progress.NextIndex))
            if (v.Kind != VerdictKind.Ok) _halted = v; // still waiting for L1 to reject it
    }

    /// <summary>The set's chain ids, in inbox order.</summary>
    public IReadOnlyList<ulong> ChainIds => _chainIds;

    /// <summary>The replicas (read-only use: RPC, tests). Replaced when the inbox history changes (a rejection): re-read after <see cref="ReplicasReset"/>.</summary>
    public IReadOnlyList<RollupChain> Chains => _replicas.Chains;

    /// <summary>The verdicts reached (persisted; the recent ones in memory).</summary>
    public VerdictStore Verdicts { get; }

    /// <summary>Raised for every verdict (ok ones included), after it is stored and after any L1 action it caused.</summary>
    public event Action<SuperbatchVerdict>? VerdictReached;

    /// <summary>Raised when the replicas were discarded and the set is derived again from L1 (after a rejection).</summary>
    public event Action<string>? ReplicasReset;

    /// <summary>Raised when a round of the background loop fails (L1 unreachable, ...); the loop goes on.</summary>
    public event Action<Exception>? Failed;

    /// <summary>Progress numbers now.</summary>
    public VerifierProgress Progress => new(_l1Count, _progress.NextIndex, _replicas.Height, _target, Interlocked.Read(ref _blocks), Interlocked.Read(ref _txs),
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _replayTicks)).TotalSeconds, _halted is { } h ? $"superbatch {h.Index}: {h.Kind}: {h.Detail}" : null);

    /// <summary>The bad verdict the verifier is halted on (waiting for L1 to reject that superbatch), null when following.</summary>
    public SuperbatchVerdict? HaltedOn => _halted;

    /// <summary>
    /// The state root of <paramref name="chainId"/> this verifier re-executed for superbatch <paramref name="index"/>
    /// (<paramref name="superbatchHash"/>) while it is halted on it (its replicas' heads are that superbatch's last block);
    /// null when it is not halted on that submission or could not re-execute it (<see cref="VerdictKind.InvalidBatch"/>).
    /// For a superbatch verified ok the answer is its claimed root. The arbiter's question (<see cref="FlagArbiter"/>).
    /// </summary>
    public async Task<Hash256?> ReexecutedRootAsync(ulong index, Hash256 superbatchHash, ulong chainId, CancellationToken cancel = default)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (_halted is not { } h || h.Index != index || h.SuperbatchHash != superbatchHash || h.Kind == VerdictKind.InvalidBatch) return null;
            return _replicas.Chain(chainId)?.Head.StateRoot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the background loop (<see cref="SyncAsync"/> every <see cref="VerifierOptions.PollInterval"/>).</summary>
    public void Start()
    {
        _loop ??= PollLoop.Start(SyncAsync, _options.PollInterval, e => Failed?.Invoke(e), _stop.Token);
    }

    /// <summary>
    /// One round: reads the inbox, re-derives the replicas when its history changed (a rejection), then verifies every
    /// live superbatch not yet verified, in order. Returns the verdicts reached in this round.
    /// </summary>
    public async Task<IReadOnlyList<SuperbatchVerdict>> SyncAsync(CancellationToken cancel = default)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var reached = new List<SuperbatchVerdict>();
            ulong count = await WordAsync(SharedInbox.SuperbatchCount(), cancel).ConfigureAwait(false);
            _l1Count = count;
            if (_halted is { } halted)
            {
                // Following resumes only once L1 no longer holds the superbatch we convicted (challenge succeeded, or the
                // arbiter upheld the flag): the set is then derived again from the last good superbatch.
                if (count > halted.Index && (await LiveRecordAsync(halted.Index, cancel).ConfigureAwait(false)).Hash == halted.SuperbatchHash) return reached;
                ResetReplicas($"superbatch {halted.Index} ({halted.Kind}) is no longer on L1");
                _halted = null;
            }
            else if (_progress.NextIndex > 0
                     && (count < _progress.NextIndex || (await LiveRecordAsync(_progress.NextIndex - 1, cancel).ConfigureAwait(false)).Hash != _progress.LastHash))
            {
                ResetReplicas($"the inbox history changed below superbatch {_progress.NextIndex}");
            }
            while (_progress.NextIndex < count && _halted is null)
            {
                cancel.ThrowIfCancellationRequested();
                SuperbatchVerdict v = await VerifyAsync(_progress.NextIndex, cancel).ConfigureAwait(false);
                reached.Add(v);
            }
            return reached;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SuperbatchVerdict> VerifyAsync(ulong index, CancellationToken cancel)
    {
        SuperbatchRecord record = await LiveRecordAsync(index, cancel).ConfigureAwait(false);
        (SuperbatchSubmittedEvent e, L1Log log) = await FindSubmissionAsync(index, record.Hash, cancel).ConfigureAwait(false);
        _target = Math.Max(_target, e.Rollups.Count > 0 ? e.Rollups[0].LastBlock : 0);
        ulong lastBlock = e.Rollups.Count > 0 ? e.Rollups[0].LastBlock : 0;
        SuperbatchVerdict Invalid(string why) => new(index, e.SuperbatchHash, VerdictKind.InvalidBatch, 0, 0, Hash256.Zero, Hash256.Zero, why, lastBlock);

        SuperbatchVerdict verdict;
        (Address? to, byte[] input) = await _l1.GetTransactionAsync(log.TransactionHash, cancel).ConfigureAwait(false);
        SuperbatchSubmission? submission = null;
        string? problem = null;
        if (to != _options.Inbox) problem = $"the submit transaction {log.TransactionHash} does not call the inbox directly: its batch data cannot be read from calldata";
        else
        {
            try { submission = SuperbatchSubmission.DecodeCalldata(input); }
            catch (Exception ex) when (ex is AbiException or ArgumentException or InvalidOperationException) { problem = "undecodable submit calldata: " + ex.Message; }
        }
        List<BatchEncoding.BatchBlock>[]? blocks = null;
        if (problem is null) (blocks, problem) = Decode(submission!, e);
        if (problem is not null) verdict = Invalid(problem);
        else
        {
            ulong previousCount = index == 0 ? 0 : (await LiveRecordAsync(index - 1, cancel).ConfigureAwait(false)).DepositCount;
            var deposits = new DepositRule(_chainIds, await ExpectedDepositsAsync(previousCount, e, cancel).ConfigureAwait(false), previousCount);
            RuleBreach? breach = null;
            ulong first = e.Rollups[0].FirstBlock;
            for (ulong h = first; h <= lastBlock && problem is null; h++)
            {
                // Heights replayed before a restart (committed atomically) are not executed again; their deposits are
                // walked (so the queue position of the later heights is right) and their stored blocks judged by the rules.
                if (h <= _replicas.Height)
                {
                    problem = CheckDepositsOnly(h, blocks!, (int)(h - first), deposits);
                    breach ??= CheckStoredHeight(h);
                }
                else problem = Replay(h, blocks!, (int)(h - first), deposits, ref breach);
            }
            deposits.Finish(e.DepositCount);
            breach = deposits.Breach ?? breach;
            if (problem is not null) verdict = Invalid(problem);
            else
            {
                // The root checks come first: they are what L1 can settle (challenge, flag); a broken derivation rule is
                // an off-chain alarm, reported on its own only when the roots are right.
                verdict = Check(index, e, lastBlock);
                if (breach is { } b)
                {
                    verdict = verdict.Kind == VerdictKind.Ok
                        ? new SuperbatchVerdict(index, e.SuperbatchHash, b.Kind, b.ChainId, 0, Hash256.Zero, Hash256.Zero, b.Detail, lastBlock)
                        : verdict with { Detail = verdict.Detail + "; also " + b.Kind + ": " + b.Detail };
                }
            }
        }

        verdict = await ActAsync(verdict, cancel).ConfigureAwait(false);
        Verdicts.Put(verdict);
        if (verdict.Kind == VerdictKind.Ok)
        {
            _progress = (index + 1, e.SuperbatchHash);
            WriteProgress();
            ForgetEventsThrough(index);
            ForgetDepositsBelow(e.DepositCount, e.DepositQueueHash);
        }
        else _halted = verdict;
        VerdictReached?.Invoke(verdict);
        return verdict;
    }

    private (List<BatchEncoding.BatchBlock>[]?, string?) Decode(SuperbatchSubmission s, SuperbatchSubmittedEvent e)
    {
        if (s.Index != e.Index) return (null, $"calldata index {s.Index} differs from the event's {e.Index}");
        if (s.Batches.Count != _chainIds.Length || e.Rollups.Count != _chainIds.Length)
            return (null, $"{s.Batches.Count} batches for {_chainIds.Length} rollups");
        var blocks = new List<BatchEncoding.BatchBlock>[_chainIds.Length];
        ulong first = e.Rollups[0].FirstBlock, last = e.Rollups[0].LastBlock;
        if (first != _replicasExpectedFirst()) return (null, $"superbatch starts at block {first}, the replicas expect {_replicasExpectedFirst()}");
        for (int r = 0; r < _chainIds.Length; r++)
        {
            RollupBatch b = s.Batches[r];
            RollupCommitment c = e.Rollups[r];
            if (c.ChainId != _chainIds[r]) return (null, $"rollup {r} is chain {c.ChainId}, expected {_chainIds[r]}");
            if (Keccak256.Compute(b.Data) != c.DataHash) return (null, $"chain {c.ChainId}: batch data does not hash to the committed dataHash");
            if (b.StateRoot != c.StateRoot || b.FirstBlock != c.FirstBlock || b.LastBlock != c.LastBlock) return (null, $"chain {c.ChainId}: calldata and event disagree");
            // One superblock = one block per rollup at the same height: every rollup covers the same range.
            if (c.FirstBlock != first || c.LastBlock != last) return (null, $"chain {c.ChainId} covers [{c.FirstBlock}, {c.LastBlock}], not the superblock range [{first}, {last}]");
            try { blocks[r] = BatchEncoding.Decode(b.Data); }
            catch (InvalidDataException ex) { return (null, $"chain {c.ChainId}: {ex.Message}"); }
            if ((ulong)blocks[r].Count != last - first + 1) return (null, $"chain {c.ChainId}: {blocks[r].Count} blocks for the range [{first}, {last}]");
            for (int k = 0; k < blocks[r].Count; k++)
            {
                if (blocks[r][k].Number != first + (ulong)k) return (null, $"chain {c.ChainId}: block entry {k} is number {blocks[r][k].Number}, expected {first + (ulong)k}");
                if (!blocks[r][k].IncludesDeliveries) return (null, $"chain {c.ChainId}: batch format 0x01 leaves the deliveries out; blocks cannot be derived from it");
            }
        }
        return (blocks, null);
    }

    // Superbatch i starts right after the last one verified on these replicas (block 1 for the first).
    private ulong _replicasExpectedFirst() => _progress.NextIndex == 0 ? 1 : _lastVerifiedBlock + 1;

    private ulong _lastVerifiedBlock => _progress.NextIndex == 0 ? 0 : LastBlockOfVerified();

    private ulong LastBlockOfVerified()
    {
        return Verdicts.Get(_progress.NextIndex - 1, _progress.LastHash)?.LastBlock ?? _replicas.Height;
    }

    /// <summary>Re-executes superblock <paramref name="height"/> (entry <paramref name="k"/> of each rollup's batch) and commits it to the replicas.</summary>
    private string? Replay(ulong height, List<BatchEncoding.BatchBlock>[] blocks, int k, DepositRule deposits, ref RuleBreach? breach)
    {
        long started = Stopwatch.GetTimestamp();
        IReadOnlyList<RollupChain> chains = _replicas.Chains;
        var built = new RollupBlock[chains.Count];
        var states = new Dictionary<ulong, ChainState>(chains.Count);
        var worlds = new Lockstep.State.WorldState[chains.Count];
        var parents = new Hash256[chains.Count];
        (Transaction[][]? all, string? undecodable) = DecodeHeight(height, blocks, k);
        if (all is null) return undecodable;
        deposits.CheckHeight(height, all);
        // The sequencer's stand-in for RANDAO: the first rollup's parent hash (SharedSequencer.BuildLocked).
        Hash256 prevRandao = chains[0].Head.Hash;
        int txs = 0;
        for (int r = 0; r < chains.Count; r++)
        {
            RollupChain chain = chains[r];
            BatchEncoding.BatchBlock entry = blocks[r][k];
            BlockHeader parent = chain.Head;
            if (parent.Number + 1 != height) return $"chain {chain.ChainId}: replica head {parent.Number} cannot take block {height}";
            if (entry.Timestamp <= parent.Timestamp) return $"chain {chain.ChainId} block {height}: timestamp {entry.Timestamp} not after the parent's {parent.Timestamp}";
            ChainState state = chain.Store.OpenHeadState();
            var builder = new BlockBuilder(chain.ChainId) { BlockHashes = chain.Store };
            BlockInProgress block = builder.Begin(parent, state.World, new BlockAttributes
            {
                Coinbase = _options.Coinbase, Timestamp = entry.Timestamp, PrevRandao = prevRandao, ParentBeaconBlockRoot = Hash256.Zero,
            });
            Transaction[] decoded = all[r];
            // Signatures do not depend on the state: every sender up front, in parallel (as the block builder does).
            var senders = new Address[decoded.Length];
            var errors = new TransactionError[decoded.Length];
            SenderRecovery.RecoverAll(decoded, chain.ChainId, senders, errors);
            for (int i = 0; i < decoded.Length; i++)
            {
                Transaction tx = decoded[i];
                if (tx.IsSystem)
                {
                    // Protocol transactions only ever call the system contracts: deliveries (MintBurn, Messenger), the
                    // end-of-block tree fold (MessageTrees), L1 deposits (L2Bridge). Anything else is not derivable.
                    if (DerivationRules.Role(tx) == ProtocolRole.Unknown)
                        return $"chain {chain.ChainId} block {height} tx {i}: a protocol transaction to {tx.To} (only the system contracts receive them)";
                    if (!block.TryAddSystem(tx, out _)) return $"chain {chain.ChainId} block {height} tx {i}: delivery exceeds the block gas";
                }
                else
                {
                    if (errors[i] != TransactionError.None) return $"chain {chain.ChainId} block {height} tx {i}: bad signature ({errors[i]})";
                    if (!block.TryAdd(tx, senders[i], out _, out InvalidTransactionReason invalid))
                        return $"chain {chain.ChainId} block {height} tx {i} ({tx.Hash}): not includable ({invalid})";
                }
                txs++;
            }
            built[r] = new RollupBlock(chain.ChainId, block.Seal());
            states[chain.ChainId] = state;
            worlds[r] = state.World;
            parents[r] = parent.Hash;
        }
        if (breach is null)
        {
            var builtBlocks = new BuiltBlock[built.Length];
            for (int r = 0; r < built.Length; r++) builtBlocks[r] = built[r].Built;
            breach = DerivationRules.CheckSuperblock(height, _chainIds, builtBlocks, worlds, parents);
        }
        var sb = new Superblock { Height = height, Timestamp = blocks[0][k].Timestamp, Blocks = built, Bundles = [] };
        for (int r = 0; r < chains.Count; r++) chains[r].WriteLock.Enter();
        try
        {
            _replicas.Superblocks.Commit(sb, states);
            foreach (RollupBlock b in built) _replicas.Chain(b.ChainId)!.OnBlockCommitted(b.Built);
        }
        finally
        {
            for (int r = chains.Count - 1; r >= 0; r--) chains[r].WriteLock.Exit();
        }
        Interlocked.Add(ref _blocks, chains.Count);
        Interlocked.Add(ref _txs, txs);
        Interlocked.Add(ref _replayTicks, Stopwatch.GetTimestamp() - started);
        return null;
    }

    /// <summary>Decodes every rollup's posted transactions of superblock <paramref name="height"/> (entry <paramref name="k"/>).</summary>
    private (Transaction[][]?, string?) DecodeHeight(ulong height, List<BatchEncoding.BatchBlock>[] blocks, int k)
    {
        var all = new Transaction[blocks.Length][];
        for (int r = 0; r < blocks.Length; r++)
        {
            IReadOnlyList<byte[]> raw = blocks[r][k].Transactions;
            var decoded = new Transaction[raw.Count];
            for (int i = 0; i < decoded.Length; i++)
            {
                try { decoded[i] = TransactionDecoder.DecodeWithSystem(raw[i]); }
                catch (TransactionDecodeException ex) { return (null, $"chain {_chainIds[r]} block {height} tx {i}: undecodable ({ex.Message})"); }
            }
            all[r] = decoded;
        }
        return (all, null);
    }

    /// <summary>The delivery and fold rules of a height already committed to the replicas (read back: blocks, receipts, post-states).</summary>
    private RuleBreach? CheckStoredHeight(ulong height)
    {
        IReadOnlyList<RollupChain> chains = _replicas.Chains;
        var txs = new IReadOnlyList<Transaction>[chains.Count];
        var receipts = new IReadOnlyList<Receipt>[chains.Count];
        var worlds = new Lockstep.State.WorldState[chains.Count];
        var parents = new Hash256[chains.Count];
        for (int r = 0; r < chains.Count; r++)
        {
            ChainStore store = chains[r].Store;
            Block block = store.GetBlock(height) ?? throw new InvalidOperationException($"chain {chains[r].ChainId}: replica block {height} is missing");
            txs[r] = block.Transactions;
            receipts[r] = store.GetReceipts(block.Hash) ?? throw new InvalidOperationException($"chain {chains[r].ChainId}: receipts of replica block {height} are missing");
            worlds[r] = store.OpenState(block.Header.StateRoot).World;
            parents[r] = block.Header.ParentHash;
        }
        return DerivationRules.CheckSuperblock(height, _chainIds, txs, receipts, worlds, parents);
    }

    private string? CheckDepositsOnly(ulong height, List<BatchEncoding.BatchBlock>[] blocks, int k, DepositRule deposits)
    {
        (Transaction[][]? all, string? undecodable) = DecodeHeight(height, blocks, k);
        if (all is null) return undecodable;
        deposits.CheckHeight(height, all);
        return null;
    }

    /// <summary>
    /// The L1 queue's deposits [<paramref name="previousCount"/>, <c>e.DepositCount</c>), derived from the bridge's
    /// <c>DepositQueued</c> logs (read incrementally and kept) and checked against the queue hash the superbatch committed.
    /// </summary>
    private async Task<IReadOnlyList<DerivedDeposit>> ExpectedDepositsAsync(ulong previousCount, SuperbatchSubmittedEvent e, CancellationToken cancel)
    {
        if (e.DepositCount == previousCount) return []; // nothing consumed: the queue hash is the previous superbatch's
        if (!_bridgeKnown)
        {
            Address bridge = _options.Bridge ?? new Address((await _l1.Client.CallAsync(_options.Inbox, AbiValue.EncodeCall("depositQueue()"), null, cancel).ConfigureAwait(false)).AsSpan(12, 20));
            if (bridge != Address.Zero)
                _depositDeriver = new DepositDeriver(_l1.Client, new DepositDeriverOptions { Bridge = bridge, FromBlock = _options.FromL1Block, MaxBlockRange = _options.MaxLogRange });
            _bridgeKnown = true;
        }
        if (_depositDeriver is null) throw new L1Exception($"superbatch {e.Index} commits depositCount {e.DepositCount}, but the inbox has no deposit queue");
        if (_depositBase + (ulong)_deposits.Count < e.DepositCount)
        {
            ulong tip = await _l1.Client.GetBlockNumberAsync(cancel).ConfigureAwait(false);
            ulong from = _depositsScannedAny ? _depositsScannedTo + 1 : _options.FromL1Block;
            if (from <= tip)
            {
                foreach (DerivedDeposit d in await _depositDeriver.ScanAsync(from, tip, cancel).ConfigureAwait(false))
                    if (d.Index == _depositBase + (ulong)_deposits.Count) _deposits.Add(d);
                _depositsScannedTo = tip;
                _depositsScannedAny = true;
            }
        }
        var events = new List<DepositQueuedEvent>(_deposits.Count);
        foreach (DerivedDeposit d in _deposits) events.Add(d.Event);
        try { _ = Bridge.ConsumedBy(events, _depositBase, _depositBaseHash, previousCount, e.DepositCount, e.DepositQueueHash); }
        catch (InvalidDataException ex) { throw new L1Exception($"superbatch {e.Index}: the L1 deposit queue read does not match what the inbox committed: {ex.Message}"); }
        var result = new List<DerivedDeposit>((int)(e.DepositCount - previousCount));
        for (ulong i = previousCount; i < e.DepositCount; i++) result.Add(_deposits[(int)(i - _depositBase)]);
        return result;
    }

    /// <summary>Checks (1) and (2) at the replicas' heads (= the superbatch's last block).</summary>
    private SuperbatchVerdict Check(ulong index, SuperbatchSubmittedEvent e, ulong lastBlock)
    {
        IReadOnlyList<RollupChain> chains = _replicas.Chains;
        for (int r = 0; r < chains.Count; r++)
        {
            Hash256 ours = chains[r].Head.StateRoot, claimed = e.Rollups[r].StateRoot;
            if (ours != claimed)
                return new SuperbatchVerdict(index, e.SuperbatchHash, VerdictKind.StateRootMismatch, chains[r].ChainId, 0, ours, claimed,
                    $"chain {chains[r].ChainId} block {lastBlock}: claimed state root {claimed}, re-executed {ours}", lastBlock);
        }
        for (int x = 0; x < chains.Count; x++)
        {
            for (int y = 0; y < chains.Count; y++)
            {
                if (x == y) continue;
                Hash256 outbox = ReadRoot(chains[x], MessageTreesLayout.OutboxRootSlot(chains[y].ChainId));
                Hash256 inbox = ReadRoot(chains[y], MessageTreesLayout.InboxRootSlot(chains[x].ChainId));
                if (outbox != inbox)
                    return new SuperbatchVerdict(index, e.SuperbatchHash, VerdictKind.CrossRootMismatch, chains[x].ChainId, chains[y].ChainId, outbox, inbox,
                        $"block {lastBlock}: outbox root for {chains[y].ChainId} on {chains[x].ChainId} is {outbox}, inbox root for {chains[x].ChainId} on {chains[y].ChainId} is {inbox}", lastBlock);
            }
        }
        return new SuperbatchVerdict(index, e.SuperbatchHash, VerdictKind.Ok, 0, 0, Hash256.Zero, Hash256.Zero, $"{chains.Count} state roots and {chains.Count * (chains.Count - 1)} cross roots equal", lastBlock);
    }

    private static Hash256 ReadRoot(RollupChain chain, UInt256 slot) =>
        Hash256.FromUInt256(chain.GetProof(chain.Head, SystemAddresses.MessageTrees, [slot]).StorageProofs[0].Value);

    /// <summary>
    /// The shared fraud proof of a cross-root verdict, against the claimed roots (= the replicas' heads): MessageTrees'
    /// account proof and the outbox slot's storage proof on X, the same for the inbox slot on Y (eth_getProof shapes).
    /// </summary>
    public byte[] BuildChallenge(ulong index, ulong chainX, ulong chainY)
    {
        RollupChain x = _replicas.Chain(chainX) ?? throw new ArgumentException($"chain {chainX} is not followed");
        RollupChain y = _replicas.Chain(chainY) ?? throw new ArgumentException($"chain {chainY} is not followed");
        AccountProof px = x.GetProof(x.Head, SystemAddresses.MessageTrees, [MessageTreesLayout.OutboxRootSlot(chainY)]);
        AccountProof py = y.GetProof(y.Head, SystemAddresses.MessageTrees, [MessageTreesLayout.InboxRootSlot(chainX)]);
        return SharedInbox.Challenge(index, chainX, chainY, px.AccountProofNodes, px.StorageProofs[0].Proof, py.AccountProofNodes, py.StorageProofs[0].Proof);
    }

    private async Task<SuperbatchVerdict> ActAsync(SuperbatchVerdict v, CancellationToken cancel)
    {
        byte[]? data = v.Kind switch
        {
            VerdictKind.CrossRootMismatch when _options.Challenge => BuildChallenge(v.Index, v.ChainX, v.ChainY),
            VerdictKind.StateRootMismatch when _options.FlagStateRoots => SharedInbox.FlagStateRoot(v.Index, v.ChainX, v.Expected),
            _ => null,
        };
        if (data is null) return v;
        if (_options.ChallengerKey is not { } key) return v with { ActionError = "no challenger key: detected and reported only" };
        UInt256 value = v.Kind == VerdictKind.StateRootMismatch ? _options.FlagBond : UInt256.Zero;
        try
        {
            L1Receipt receipt = await _l1.SendAsync(key, _options.Inbox, data, value, _options.ActionTimeout, cancel).ConfigureAwait(false);
            return v with { ActionTx = receipt.TransactionHash, ActionSucceeded = receipt.Succeeded, ActionError = receipt.Succeeded ? null : "reverted on L1" };
        }
        catch (L1Exception ex)
        {
            return v with { ActionError = ex.Message + (ex.RevertData is { } d ? " " + d : "") };
        }
    }

    private async Task<(SuperbatchSubmittedEvent, L1Log)> FindSubmissionAsync(ulong index, Hash256 hash, CancellationToken cancel)
    {
        if (TryFind(index, hash, out var found)) return found;
        ulong tip = await _l1.Client.GetBlockNumberAsync(cancel).ConfigureAwait(false);
        ulong from = _scannedAny ? _scannedTo + 1 : _options.FromL1Block;
        // Chunk by chunk, stopping at the chunk that holds the submission: a verifier far behind L1 keeps the events of
        // one chunk ahead of what it verified, not the whole history (memory stays bounded on a long catch-up).
        while (from <= tip && !TryFind(index, hash, out _))
        {
            ulong to = Math.Min(tip, from + _options.MaxLogRange - 1);
            foreach (L1Log log in await _l1.Client.GetLogsAsync(_options.Inbox, from, to, SuperbatchSubmittedEvent.Topic, cancel).ConfigureAwait(false))
            {
                if (!SuperbatchSubmittedEvent.TryDecode(log.Topics, log.Data, out SuperbatchSubmittedEvent? e)) continue;
                if (!_events.TryGetValue(e!.Index, out var list)) _events[e.Index] = list = new();
                list.Add((e, log));
            }
            _scannedTo = to;
            _scannedAny = true;
            from = to + 1;
        }
        if (TryFind(index, hash, out found)) return found;
        throw new L1Exception($"no SuperbatchSubmitted event for superbatch {index} ({hash}) up to L1 block {tip}");
    }

    /// <summary>
    /// Drops the scanned submissions of superbatches up to <paramref name="index"/> once it is verified ok: they are
    /// never looked up again (the next index is above it; a rejection resets the replicas and scans L1 again from
    /// <see cref="VerifierOptions.FromL1Block"/>). Keeps the verifier's memory flat over a long run.
    /// </summary>
    private void ForgetEventsThrough(ulong index)
    {
        List<ulong>? done = null;
        foreach (ulong i in _events.Keys)
            if (i <= index) (done ??= new()).Add(i);
        if (done is null) return;
        foreach (ulong i in done) _events.Remove(i);
    }

    /// <summary>
    /// Drops the L1 deposits a verified superbatch consumed: later superbatches start at its <paramref name="count"/>,
    /// and its committed <paramref name="queueHash"/> (L1 computes it at submit: <c>queueHashAt(depositCount)</c>) stands
    /// for them in the hash chain.
    /// </summary>
    private void ForgetDepositsBelow(ulong count, Hash256 queueHash)
    {
        if (count <= _depositBase || count > _depositBase + (ulong)_deposits.Count) return;
        _deposits.RemoveRange(0, (int)(count - _depositBase));
        _depositBase = count;
        _depositBaseHash = queueHash;
    }

    /// <summary>L1 deposits held in memory (read from L1, not yet consumed by a verified superbatch; tests of the memory bound).</summary>
    public int PendingDeposits => _deposits.Count;

    /// <summary>Scanned <c>SuperbatchSubmitted</c> events held in memory (submissions not yet verified ok; tests of the memory bound).</summary>
    public int PendingSubmissionEvents
    {
        get
        {
            int n = 0;
            foreach (var list in _events.Values) n += list.Count;
            return n;
        }
    }

    private bool TryFind(ulong index, Hash256 hash, out (SuperbatchSubmittedEvent, L1Log) found)
    {
        found = default;
        if (!_events.TryGetValue(index, out var list)) return false;
        foreach (var item in list)
            if (item.Event.SuperbatchHash == hash) { found = item; return true; }
        return false;
    }

    private async Task<SuperbatchRecord> LiveRecordAsync(ulong index, CancellationToken cancel) =>
        SharedInbox.DecodeSuperbatch(await _l1.Client.CallAsync(_options.Inbox, SharedInbox.Superbatch(index), null, cancel).ConfigureAwait(false));

    private async Task<ulong> WordAsync(byte[] call, CancellationToken cancel)
    {
        byte[] output = await _l1.Client.CallAsync(_options.Inbox, call, null, cancel).ConfigureAwait(false);
        if (output.Length != 32) throw new L1Exception("unexpected call output length " + output.Length);
        return BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(24));
    }

    private SharedSequencer OpenReplicas()
    {
        IKeyValueStore db = _options.DataDir is null ? new MemoryKeyValueStore() : new RocksDbKeyValueStore(Path.Combine(_options.DataDir, "replicas"));
        try
        {
            return new SharedSequencer(db, _options.Geneses, options: new SharedSequencerOptions { Cadence = SuperblockCadence.Manual }, ownsDb: true);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private void ResetReplicas(string why)
    {
        _replicas.Dispose();
        if (_options.DataDir is not null) Directory.Delete(Path.Combine(_options.DataDir, "replicas"), recursive: true);
        _replicas = OpenReplicas();
        _progress = (0, Hash256.Zero);
        WriteProgress();
        // Derived again from index 0: the submissions of the live history are scanned again (they were dropped once
        // verified), and so are the deposits consumed before (the queue itself is append-only: same entries).
        _events.Clear();
        _scannedAny = false;
        _scannedTo = 0;
        if (_depositBase > 0)
        {
            _deposits.Clear();
            _depositBase = 0;
            _depositBaseHash = Hash256.Zero;
            _depositsScannedAny = false;
            _depositsScannedTo = 0;
        }
        ReplicasReset?.Invoke(why);
    }

    private (ulong, Hash256) ReadProgress()
    {
        byte[]? v = _meta.Get(ProgressKey);
        if (v is null || _replicas.Height is 0) return (0, Hash256.Zero);
        return (BinaryPrimitives.ReadUInt64BigEndian(v), new Hash256(v.AsSpan(8, 32)));
    }

    private void WriteProgress()
    {
        var v = new byte[40];
        BinaryPrimitives.WriteUInt64BigEndian(v, _progress.NextIndex);
        _progress.LastHash.CopyTo(v.AsSpan(8));
        _meta.Put(ProgressKey, v);
    }

    /// <summary>Stops the loop and closes the stores.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        await _gate.WaitAsync().ConfigureAwait(false);
        _replicas.Dispose();
        _meta.Dispose();
        _stop.Dispose();
        _gate.Dispose();
    }
}
