using System.Diagnostics;
using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.Settlement;
using Lockstep.Storage;
using Lockstep.SystemContracts;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Verifier;

/// <summary>Parameters of <see cref="CatchUpBenchmark"/>.</summary>
public sealed class CatchUpBenchmarkOptions
{
    /// <summary>The contract artifacts (<c>contracts/artifacts</c>) the embedded L1 deploys.</summary>
    public required string ArtifactsDir { get; init; }

    /// <summary>Superbatches the set posts before the verifier starts (one superblock each).</summary>
    public int Superbatches { get; init; } = 20;

    /// <summary>User transactions per superbatch, over all rollups.</summary>
    public int TransactionsPerSuperbatch { get; init; } = 500;

    /// <summary>Rollups of the set (chain ids 901, 902, ...).</summary>
    public int Rollups { get; init; } = 2;

    /// <summary>Percent of the user transactions that bridge ETH to the next rollup (burnETH + a 0x7F mint there).</summary>
    public int CrossRollupPercent { get; init; } = 5;

    /// <summary>The verifier's replicas: RocksDB in a temporary directory (as <c>lockstep verify</c>), or in memory.</summary>
    public bool RocksDb { get; init; } = true;
}

/// <summary>What <see cref="CatchUpBenchmark.RunAsync"/> measured.</summary>
/// <param name="Superbatches">Superbatches verified.</param>
/// <param name="Blocks">Blocks re-executed (every rollup counted).</param>
/// <param name="Transactions">Transactions re-executed (user transactions, deliveries, folds).</param>
/// <param name="ReplaySeconds">Wall time in re-execution and commit only.</param>
/// <param name="SyncSeconds">Wall time of the whole catch-up (L1 reads, decoding, checks, proofs of the roots).</param>
/// <param name="CpuSeconds">Process CPU time during the catch-up (all threads).</param>
/// <param name="PrepareSeconds">Wall time the set took to build and post everything (not part of the figure).</param>
public sealed record CatchUpResult(int Superbatches, long Blocks, long Transactions, double ReplaySeconds, double SyncSeconds, double CpuSeconds, double PrepareSeconds)
{
    /// <summary>Blocks per second of the whole catch-up.</summary>
    public double BlocksPerSecond => Blocks / SyncSeconds;

    /// <summary>Transactions per second of the whole catch-up.</summary>
    public double TransactionsPerSecond => Transactions / SyncSeconds;

    /// <summary>Transactions per second of re-execution and commit alone.</summary>
    public double ReplayTransactionsPerSecond => Transactions / ReplaySeconds;
}

/// <summary>
/// The verifier's sync speed (issue 6, docs/benchmarks.md "Verifier"): a set of <see cref="CatchUpBenchmarkOptions.Rollups"/>
/// rollups posts <see cref="CatchUpBenchmarkOptions.Superbatches"/> superbatches of
/// <see cref="CatchUpBenchmarkOptions.TransactionsPerSuperbatch"/> transfers (a few bridged) to an embedded L1 (instant
/// blocks, JSON-RPC over loopback); then a fresh <see cref="SetVerifier"/>, started late, catches up from L1 alone and
/// is timed. Ends with the verifier's state roots equal to the sequencer's (else it throws). Run by
/// <c>lockstep verify bench</c>.
/// </summary>
public static class CatchUpBenchmark
{
    private const ulong GenesisTime = 1_700_000_000;
    private const int Senders = 64; // the pool keeps at most 64 transactions per sender

    /// <summary>Prepares the L1 history, then times the catch-up; <paramref name="progress"/> sees the verifier while it runs.</summary>
    public static async Task<CatchUpResult> RunAsync(CatchUpBenchmarkOptions o, Action<SetVerifier>? progress = null, CancellationToken cancel = default)
    {
        if (o.Superbatches < 1 || o.TransactionsPerSuperbatch < 1 || o.Rollups < 1) throw new ArgumentException("superbatches, transactions and rollups must be at least 1");
        IReadOnlyList<DevAccount> accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, Senders + 2);
        var chainIds = new ulong[o.Rollups];
        for (int r = 0; r < chainIds.Length; r++) chainIds[r] = 901 + (ulong)r;
        var geneses = new List<Genesis>();
        var funded = new Address[accounts.Count];
        for (int i = 0; i < funded.Length; i++) funded[i] = accounts[i].Address;
        foreach (ulong id in chainIds) geneses.Add(Predeploys.Apply(DevGenesis.Create(id, funded, timestamp: GenesisTime), chainIds));

        long prepareStart = Stopwatch.GetTimestamp();
        await using EmbeddedL1 l1 = await EmbeddedL1.StartAsync(new EmbeddedL1Options
        {
            ArtifactsDir = o.ArtifactsDir, RollupChainIds = chainIds, SequencerKey = accounts[1].PrivateKey, Accounts = [accounts[0], accounts[1]],
            Mode = ProductionMode.Instant, ChallengeWindowSeconds = 3600,
        }, cancel).ConfigureAwait(false);
        using var set = new SharedSequencer(new MemoryKeyValueStore(), geneses, options: new SharedSequencerOptions { Cadence = SuperblockCadence.Manual }, ownsDb: true);
        using var poster = new BatchPoster(l1.Client, set.Superblocks, new MemoryKeyValueStore(), new BatchPosterOptions { Inbox = l1.Deployment.Inbox, SequencerKey = accounts[1].PrivateKey });
        var nonces = new ulong[o.Rollups, Senders];
        int perRollup = Math.Max(1, o.TransactionsPerSuperbatch / o.Rollups);
        int crossEvery = o.CrossRollupPercent <= 0 ? int.MaxValue : Math.Max(1, 100 / o.CrossRollupPercent);
        for (int b = 0; b < o.Superbatches; b++)
        {
            cancel.ThrowIfCancellationRequested();
            for (int r = 0; r < o.Rollups; r++)
            {
                RollupChain chain = set.Chains[r];
                UInt256 maxFee = chain.NextBaseFee * new UInt256(4) + UInt256.One;
                for (int i = 0; i < perRollup; i++)
                {
                    int s = (b * perRollup + i) % Senders;
                    DevAccount from = accounts[2 + s];
                    bool cross = o.Rollups > 1 && i % crossEvery == crossEvery - 1;
                    var tx = new Transaction
                    {
                        Type = TxType.DynamicFee, ChainId = new UInt256(chain.ChainId), Nonce = nonces[r, s], MaxPriorityFeePerGas = UInt256.One, MaxFeePerGas = maxFee,
                        GasLimit = cross ? 400_000UL : 21_000UL,
                        To = cross ? SystemAddresses.MintBurn : accounts[2 + (s + 1) % Senders].Address,
                        Value = new UInt256(1 + (ulong)i),
                        Data = cross ? SystemCalldata.BurnEth(chainIds[(r + 1) % o.Rollups], from.Address) : [],
                    }.Sign(from.PrivateKey);
                    TxPoolResult added = chain.Pool.Add(tx);
                    if (!added.Accepted) throw new InvalidOperationException($"chain {chain.ChainId}: the pool refused a benchmark transaction: {added.Message}");
                    nonces[r, s]++;
                }
            }
            set.BuildNext(GenesisTime + set.Height + 1);
            PostedSuperbatch? posted = await poster.PostNextAsync(force: true, cancel).ConfigureAwait(false);
            if (posted is null || !posted.Receipt.Succeeded) throw new InvalidOperationException($"superbatch {b} was not posted");
        }
        double prepareSeconds = Stopwatch.GetElapsedTime(prepareStart).TotalSeconds;

        string? dir = o.RocksDb ? Path.Combine(Path.GetTempPath(), "lockstep-verify-bench-" + Guid.NewGuid().ToString("N")) : null;
        try
        {
            await using var verifier = new SetVerifier(l1.Client, new VerifierOptions { Inbox = l1.Deployment.Inbox, Geneses = geneses, DataDir = dir });
            using var done = new CancellationTokenSource();
            // Reported from a loop that ends before the verifier is disposed (a timer callback could outlive it).
            Task ticking = progress is null ? Task.CompletedTask : Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    progress(verifier);
                    try { await Task.Delay(200, done.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { return; }
                }
            }, CancellationToken.None);
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            long started = Stopwatch.GetTimestamp();
            IReadOnlyList<SuperbatchVerdict> verdicts;
            try { verdicts = await verifier.SyncAsync(cancel).ConfigureAwait(false); }
            finally
            {
                await done.CancelAsync().ConfigureAwait(false);
                await ticking.ConfigureAwait(false);
            }
            double syncSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            progress?.Invoke(verifier);
            foreach (SuperbatchVerdict v in verdicts)
                if (v.Kind != VerdictKind.Ok) throw new InvalidOperationException($"superbatch {v.Index}: {v.Kind}: {v.Detail}");
            if (verdicts.Count != o.Superbatches) throw new InvalidOperationException($"{verdicts.Count} superbatches verified, {o.Superbatches} posted");
            for (int r = 0; r < o.Rollups; r++)
                if (verifier.Chains[r].Head.StateRoot != set.Chains[r].Head.StateRoot)
                    throw new InvalidOperationException($"chain {chainIds[r]}: the verifier ends on {verifier.Chains[r].Head.StateRoot}, the sequencer on {set.Chains[r].Head.StateRoot}");
            VerifierProgress p = verifier.Progress;
            return new CatchUpResult(verdicts.Count, p.BlocksReplayed, p.TransactionsReplayed, p.ReplaySeconds, syncSeconds, cpuSeconds, prepareSeconds);
        }
        finally
        {
            if (dir is not null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
