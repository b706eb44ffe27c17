using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Sequencer;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Workload;

/// <summary>Settings of a <see cref="BenchRunner"/> run (<c>lockstep bench</c>).</summary>
public sealed class BenchOptions
{
    /// <summary>Rollups of the devnet.</summary>
    public int Rollups { get; init; } = 2;
    /// <summary>Transactions of the measured run (failing ones included).</summary>
    public int Transactions { get; init; } = 10_000;
    /// <summary>The shares.</summary>
    public WorkloadMix Mix { get; init; } = WorkloadMix.Default;
    /// <summary>Run the embedded L1 and its batch poster (false: rollups only, no L1 latency; ignored with <see cref="L1Rpc"/>).</summary>
    public bool EmbeddedL1 { get; init; } = true;
    /// <summary>
    /// An external L1 (anvil, a testnet) the devnet settles on instead of the embedded one (<c>--l1 URL</c>): it deploys
    /// the L1 contracts there from <see cref="L1Key"/> and posts every superblock there (DevnetOptions.L1Rpc).
    /// </summary>
    public Uri? L1Rpc { get; init; }
    /// <summary>With <see cref="L1Rpc"/>: a funded L1 key that deploys the contracts and funds the sequencer's bond;
    /// null: account 0 of the test mnemonic (anvil's first funded account).</summary>
    public byte[]? L1Key { get; init; }
    /// <summary>
    /// The soak (<c>--duration</c>): rounds of <see cref="Transactions"/> each, the invariants checked after every
    /// round, until this much time has passed (at least one round); null: one measured run.
    /// </summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>With <see cref="Duration"/>: at least this many rounds, however short the duration (default 1).</summary>
    public int MinRounds { get; init; } = 1;
    /// <summary>With <see cref="Duration"/>: the managed heap after a full collection may grow at most this much from
    /// the end of the warm-up (the first round from round 1 on after which every block cache is near its byte bound or
    /// at its block bound, plus what they could still take then; round 1 while they are not, with the caches' byte
    /// bounds added to this limit) to the end of any later round.</summary>
    public long HeapGrowthLimitBytes { get; init; } = 64L << 20;
    /// <summary>Replay the plain/ERC20 part into anvil too.</summary>
    public bool AgainstAnvil { get; init; }
    /// <summary>Skip the devnet run (only with <see cref="AgainstAnvil"/>).</summary>
    public bool AnvilOnly { get; init; }
    /// <summary>Honest senders.</summary>
    public int Senders { get; init; } = 64;
    /// <summary>Adversary senders (one failing-bundle lane each).</summary>
    public int Adversaries { get; init; } = 16;
    /// <summary>Concurrent submitters (connections).</summary>
    public int Concurrency { get; init; } = 32;
    /// <summary>Transactions per JSON-RPC request.</summary>
    public int Batch { get; init; } = 1;
    /// <summary>Builder protection on (<see cref="BundleAdmission"/>).</summary>
    public bool Protection { get; init; } = true;
    /// <summary>Where the contract artifacts are (found above the working directory when null).</summary>
    public string? ArtifactsDir { get; init; }
    /// <summary>anvil binary (found under the repository's tools when null).</summary>
    public string? AnvilPath { get; init; }
    /// <summary>Seconds between L1 postings at most.</summary>
    public double PostEverySeconds { get; init; } = 1;
    /// <summary>Longest wait for inclusion and posting after the last submission.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(180);
}

/// <summary>Everything a bench run measured.</summary>
public sealed class BenchReport
{
    /// <summary>The settings.</summary>
    public required BenchOptions Options { get; init; }
    /// <summary>The devnet run (null with <see cref="BenchOptions.AnvilOnly"/>).</summary>
    public LoadReport? Lockstep { get; init; }
    /// <summary>The invariants after the devnet run.</summary>
    public InvariantReport? Invariants { get; init; }
    /// <summary>Managed heap after a full collection, before and after the run (bytes).</summary>
    public (long Before, long After) GcHeap { get; init; }
    /// <summary>Process working set before and after the run (bytes).</summary>
    public (long Before, long After) WorkingSet { get; init; }
    /// <summary>Size of the devnet's data directory (RocksDB of the rollups, the poster, the L1) before and after (bytes).</summary>
    public (long Before, long After) Database { get; init; }
    /// <summary>Superblocks built during the run.</summary>
    public ulong Superblocks { get; init; }
    /// <summary>Time to sign the workload.</summary>
    public TimeSpan Signing { get; init; }
    /// <summary>The same plain/ERC20 transactions into anvil (null unless asked).</summary>
    public LoadReport? Anvil { get; init; }
    /// <summary>Rejected bundles charged by the builder protection, candidates it held back.</summary>
    public (long Rejections, long Deferred)? Protection { get; init; }
    /// <summary>The soak's rounds (<see cref="BenchOptions.Duration"/>), empty for one measured run.</summary>
    public IReadOnlyList<SoakRound> Rounds { get; init; } = [];
    /// <summary>With rounds: the heap grew beyond <see cref="BenchOptions.HeapGrowthLimitBytes"/> (memory not stable).</summary>
    public string? MemoryViolation { get; init; }
    /// <summary>
    /// With rounds: the round after which every block cache was full, the heap check's baseline (null: the caches
    /// never filled, baseline round 1).
    /// </summary>
    public int? WarmRound { get; init; }

    /// <summary>True when every invariant held (every round) and nothing acknowledged went missing.</summary>
    public bool Ok => (Invariants?.Ok ?? true) && (Lockstep?.Missing.Count ?? 0) == 0 && (Anvil?.Missing.Count ?? 0) == 0
        && MemoryViolation is null && Rounds.All(r => r.Invariants.Ok && r.Load.Missing.Count == 0);

    /// <summary>The human-readable report.</summary>
    public string Format()
    {
        var s = new StringBuilder();
        CultureInfo ci = CultureInfo.InvariantCulture;
        s.AppendLine(ci, $"workload: {Options.Transactions} txs, mix {Options.Mix}, {Options.Senders} senders + {Options.Adversaries} adversaries, {Options.Concurrency} connections, batch {Options.Batch}, protection {(Options.Protection ? "on" : "off")}; signed in {Signing.TotalSeconds:0.0} s");
        if (Lockstep is { } l)
        {
            s.AppendLine(ci, $"lockstep ({Options.Rollups} rollups{(Options.EmbeddedL1 ? ", embedded L1" : ", no L1")}): {l.Included}/{l.Acknowledged} honest txs included ({l.Sent} sent) in {l.Duration.TotalSeconds:0.00} s = {l.TxPerSecond:0} tx/s; submit {l.SubmitDuration.TotalSeconds:0.00} s");
            s.AppendLine(ci, $"  latency submit->receipt p50 {l.ReceiptP50Ms:0} ms, p99 {l.ReceiptP99Ms:0} ms; submit->L1 p50 {Ms(l.L1P50Ms)}, p99 {Ms(l.L1P99Ms)}{(l.NotOnL1 > 0 ? $" ({l.NotOnL1} not on L1)" : "")}");
            s.AppendLine(ci, $"  failing bundles: {l.FailingAcknowledged} acknowledged, {l.FailingRejected} rejected, {l.FailingUnresolved.Count} held pending, {l.FailingIncluded} included");
            if (Protection is { } p) s.AppendLine(ci, $"  builder protection: {p.Rejections} rejections charged, {p.Deferred} candidates held back");
            s.AppendLine(ci, $"  superblocks {Superblocks}; GC heap {Mb(GcHeap.Before)} -> {Mb(GcHeap.After)}; working set {Mb(WorkingSet.Before)} -> {Mb(WorkingSet.After)}; data dir {Mb(Database.Before)} -> {Mb(Database.After)}");
            foreach (string e in l.Errors) s.AppendLine(ci, $"  submit error: {e}");
        }
        if (Rounds.Count > 0)
        {
            int included = 0;
            double seconds = 0, worstP99 = 0;
            foreach (SoakRound r in Rounds)
            {
                included += r.Load.Included;
                seconds += r.Load.Duration.TotalSeconds;
                worstP99 = Math.Max(worstP99, r.Load.ReceiptP99Ms);
            }
            s.AppendLine(ci, $"soak: {Rounds.Count} rounds in {Rounds[^1].Elapsed.TotalMinutes:0.0} min, {included} honest txs included, {(seconds > 0 ? included / seconds : 0):0} tx/s while loaded, worst round p99 {worstP99:0} ms; "
                + $"heap after round 0 {Mb(Rounds[0].HeapBytes)}, {(WarmRound is { } w && w < Rounds.Count ? $"after warm-up (round {w}, block caches full) {Mb(Rounds[w].HeapBytes)}" : "block caches not full yet")}, after the last {Mb(Rounds[^1].HeapBytes)}: {(MemoryViolation is null ? "stable" : "VIOLATED: " + MemoryViolation)}; "
                + $"invariants {(Rounds.All(r => r.Invariants.Ok) ? "OK every round" : "VIOLATED")}");
        }
        if (Invariants is { } inv)
        {
            s.AppendLine(ci, $"invariants at height {inv.Height}: {inv.Receipts} receipts, {inv.FailingRejected} failing rejected + {inv.FailingPending} pending, LST supply {inv.TokenSupply}, {inv.PairsChecked} outbox/inbox pairs, L1 at {(inv.L1PostedHeight?.ToString(ci) ?? "-")}: {(inv.Ok ? "OK" : "VIOLATED")}");
            foreach (string v in inv.Violations.Take(20)) s.AppendLine("  VIOLATION: " + v);
        }
        if (Anvil is { } a)
        {
            s.AppendLine(ci, $"anvil (same plain/ERC20 transactions): {a.Included}/{a.Acknowledged} included in {a.Duration.TotalSeconds:0.00} s = {a.TxPerSecond:0} tx/s; latency p50 {a.ReceiptP50Ms:0} ms, p99 {a.ReceiptP99Ms:0} ms");
            foreach (string e in a.Errors) s.AppendLine(ci, $"  submit error: {e}");
        }
        return s.ToString();
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString("0", CultureInfo.InvariantCulture) + " ms";
    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}

/// <summary>One round of a soak (<see cref="BenchOptions.Duration"/>).</summary>
/// <param name="Round">0-based.</param>
/// <param name="Load">What the round's load did.</param>
/// <param name="Invariants">The invariants after it.</param>
/// <param name="HeapBytes">Managed heap after a full collection at its end.</param>
/// <param name="Elapsed">Time since the first round started, at its end.</param>
public sealed record SoakRound(int Round, LoadReport Load, InvariantReport Invariants, long HeapBytes, TimeSpan Elapsed)
{
    /// <summary>Process working set at the round's end (bytes).</summary>
    public long WorkingSetBytes { get; init; }
    /// <summary>Size of the devnet's data directory at the round's end (bytes).</summary>
    public long DataDirBytes { get; init; }
    /// <summary>
    /// Largest L1 lag seen during the round, sampled every 250 ms: superblocks built but not yet posted on the L1
    /// (null without an L1). Bounded round after round means L1 posting keeps up.
    /// </summary>
    public ulong? MaxL1Lag { get; init; }
    /// <summary>Superbatches the poster landed during the round, their calldata bytes and user transactions (null without an L1).</summary>
    public (int Superbatches, long CalldataBytes, long UserTransactions)? Posted { get; init; }
    /// <summary>What the devnet keeps per pending item at the round's end (null when not sampled).</summary>
    public RetainedState? Retained { get; init; }

    private string PostedText() => Posted is not { } p ? "" : string.Create(CultureInfo.InvariantCulture,
        $", posted {p.Superbatches} superbatches of {p.CalldataBytes / 1024.0:0} KB ({(p.UserTransactions > 0 ? (double)p.CalldataBytes / p.UserTransactions : 0):0} B/tx)");

    /// <summary>The round's one-line summary (the soak prints one per round so a drift is visible).</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"round {Round}: {Load.Included}/{Load.Acknowledged} honest in {Load.Duration.TotalSeconds:0.0} s ({Load.TxPerSecond:0} tx/s, p50 {Load.ReceiptP50Ms:0} ms, p99 {Load.ReceiptP99Ms:0} ms, "
        + $"L1 p50 {(double.IsNaN(Load.L1P50Ms) ? "-" : Load.L1P50Ms.ToString("0", CultureInfo.InvariantCulture) + " ms")}); failing {Load.FailingAcknowledged} acked / {Load.FailingRejected} rejected; "
        + $"height {Invariants.Height}, L1 {(Invariants.L1PostedHeight?.ToString(CultureInfo.InvariantCulture) ?? "-")}, max L1 lag {(MaxL1Lag?.ToString(CultureInfo.InvariantCulture) ?? "-")}{PostedText()}; "
        + $"heap {HeapBytes / 1048576.0:0.0} MB, working set {WorkingSetBytes / 1048576.0:0} MB, data dir {DataDirBytes / 1048576.0:0} MB; invariants {(Invariants.Ok ? "OK" : "VIOLATED")}");
}

/// <summary>
/// <c>lockstep bench</c>: starts a devnet in this process (temporary data directory, free ports, embedded L1),
/// spreads LST to every rollup (setup, not measured), signs the workload, drives it over JSON-RPC, checks the
/// invariants, and optionally replays the plain/ERC20 part into anvil.
/// </summary>
public static class BenchRunner
{
    /// <summary>LST per sender moved to each other rollup during setup (1000 LST).</summary>
    public static readonly UInt256 SetupAmount = UInt256.Parse("1000000000000000000000");

    /// <summary>
    /// Runs the bench; log lines go to <paramref name="log"/>, the progress of long steps to <paramref name="progress"/>
    /// (null: none).
    /// </summary>
    public static async Task<BenchReport> RunAsync(BenchOptions options, TextWriter log, CancellationToken cancel = default, IBenchProgress? progress = null)
    {
        progress ??= IBenchProgress.None;
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rollups < 2) throw new ArgumentException("--rollups must be at least 2");
        if (options.Senders < 1) throw new ArgumentException("at least one sender");
        BenchReport? lockstep = null;
        if (!options.AnvilOnly)
        {
            lockstep = await RunDevnetAsync(options, log, progress, cancel).ConfigureAwait(false);
            // Printed now too, so the devnet's figures survive whatever happens in the anvil run.
            if (options.AgainstAnvil) log.Write(lockstep.Format());
        }
        LoadReport? anvil = null;
        if (options.AgainstAnvil) anvil = await RunAnvilAsync(options, log, progress, cancel).ConfigureAwait(false);
        return lockstep is null
            ? new BenchReport { Options = options, Anvil = anvil }
            : new BenchReport
            {
                Options = options, Lockstep = lockstep.Lockstep, Invariants = lockstep.Invariants, GcHeap = lockstep.GcHeap,
                WorkingSet = lockstep.WorkingSet, Database = lockstep.Database, Superblocks = lockstep.Superblocks, Signing = lockstep.Signing,
                Protection = lockstep.Protection, Anvil = anvil, Rounds = lockstep.Rounds, MemoryViolation = lockstep.MemoryViolation, WarmRound = lockstep.WarmRound,
            };
    }

    private static async Task<BenchReport> RunDevnetAsync(BenchOptions options, TextWriter log, IBenchProgress progress, CancellationToken cancel)
    {
        string dataDir = Path.Combine(Path.GetTempPath(), "lockstep-bench-" + Guid.NewGuid().ToString("N")[..12]);
        int adversaries = options.Mix.Failing > 0 ? options.Adversaries : 0;
        var devnetOptions = new Devnet.DevnetOptions
        {
            Rollups = options.Rollups,
            BasePort = 0,
            DataDir = dataDir,
            Accounts = options.Senders + adversaries,
            EmbeddedL1 = options.EmbeddedL1,
            // --l1 URL: the devnet's external-L1 path (deploys at first start from the key, then posts there).
            L1Rpc = options.L1Rpc,
            L1DeployerKey = options.L1Rpc is null ? null : options.L1Key ?? DevAccounts.Derive(DevAccounts.TestMnemonic, 1)[0].PrivateKey,
            PostEverySeconds = options.PostEverySeconds,
            ArtifactsDir = options.ArtifactsDir,
            Admission = options.Protection ? new BundleAdmissionOptions() : null,
            PoolPerSender = 4096,
            MaxTransactionsPerRollup = 5_000,
        };
        log.WriteLine($"starting a devnet of {options.Rollups} rollups in {dataDir}{(options.L1Rpc is { } u ? $", settling on the L1 at {u}" : "")}");
        Devnet.Devnet devnet;
        using (progress.Begin(options.L1Rpc is null ? "starting the devnet" : "starting the devnet and deploying the L1 contracts", 0))
            devnet = await Devnet.Devnet.StartAsync(devnetOptions, cancel).ConfigureAwait(false);
        try
        {
            var l1 = new L1Tracker();
            if (devnet.Poster is { } poster) poster.Posted += p => l1.OnPosted(p.FirstHeight, p.LastHeight);
            int posterErrors = 0;
            devnet.PosterFailed += e =>
            {
                // The first few, so a poster that cannot keep up says why.
                if (Interlocked.Increment(ref posterErrors) <= 3) log.WriteLine($"L1 posting failed (the poster retries): {e.Message}");
            };
            ulong[] chainIds = [.. devnet.Sequencer.Chains.Select(c => c.ChainId)];
            Uri[] endpoints = [.. devnet.Rollups.Select(r => r.Server.Url)];
            IReadOnlyList<DevAccount> honest = [.. devnet.Accounts.Take(options.Senders)];
            IReadOnlyList<DevAccount> bad = [.. devnet.Accounts.Skip(options.Senders).Take(adversaries)];

            log.WriteLine($"setup: {honest.Count} senders move LST to {options.Rollups - 1} other rollups");
            IReadOnlyList<PreparedTransaction> setup = WorkloadGenerator.DevnetSetup(chainIds, honest, SetupAmount);
            await SubmitAndWaitAsync(endpoints, setup, options.SettleTimeout, cancel, progress).ConfigureAwait(false);
            UInt256 supply = UInt256.Zero;
            for (int i = 0; i < devnet.Accounts.Count; i++) supply += devnetOptions.TokenPerAccount;
            if (options.Duration is { } duration)
                return await SoakAsync(options, duration, devnet, l1, honest, bad, supply, dataDir, log, progress, cancel).ConfigureAwait(false);

            long signStart = Stopwatch.GetTimestamp();
            Workload workload = WorkloadGenerator.Create(new WorkloadSpec
            {
                ChainIds = chainIds, Honest = honest, Adversaries = bad, Transactions = options.Transactions, Mix = options.Mix,
                Token = SystemAddresses.CrossRollupToken, FirstNonce = WorkloadGenerator.DevnetFirstNonce(chainIds.Length), Progress = progress,
            });
            TimeSpan signing = Stopwatch.GetElapsedTime(signStart);
            log.WriteLine($"signed {workload.Honest.Count} honest + {workload.FailingCount} failing transactions in {signing.TotalSeconds:0.0} s; driving");

            ulong heightBefore = devnet.Sequencer.Height;
            long gcBefore = GC.GetTotalMemory(forceFullCollection: true);
            long wsBefore = Environment.WorkingSet;
            long dbBefore = DirectorySize(dataDir);
            LoadReport report = await LoadDriver.RunAsync(endpoints, workload, new LoadOptions
            {
                Concurrency = options.Concurrency, Batch = options.Batch, SettleTimeout = options.SettleTimeout, WaitForL1 = devnet.Poster is not null,
                Progress = progress,
            }, devnet.Poster is null ? null : l1, cancel).ConfigureAwait(false);
            ulong superblocks = devnet.Sequencer.Height - heightBefore;
            log.WriteLine("load done; checking invariants");

            InvariantReport invariants = await InvariantChecker.CheckAsync(endpoints, chainIds, report.AcknowledgedHonest, report.AcknowledgedFailing, supply,
                devnet.Poster is { } p2 ? () => p2.Progress.LastHeight : null, options.SettleTimeout, cancel).ConfigureAwait(false);
            long gcAfter = GC.GetTotalMemory(forceFullCollection: true);
            return new BenchReport
            {
                Options = options, Lockstep = report, Invariants = invariants, Signing = signing, Superblocks = superblocks,
                GcHeap = (gcBefore, gcAfter), WorkingSet = (wsBefore, Environment.WorkingSet), Database = (dbBefore, DirectorySize(dataDir)),
            };
        }
        finally
        {
            await devnet.DisposeAsync().ConfigureAwait(false);
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>
    /// The soak: rounds of <see cref="BenchOptions.Transactions"/> (each round continues every sender's nonces where the
    /// pool has them, the adversaries start again at nonce 0) until <paramref name="duration"/> has passed; after every
    /// round the invariants, and the heap after a full collection against its level after round 1.
    /// </summary>
    private static async Task<BenchReport> SoakAsync(BenchOptions options, TimeSpan duration, Devnet.Devnet devnet, L1Tracker l1,
        IReadOnlyList<DevAccount> honest, IReadOnlyList<DevAccount> bad, UInt256 supply, string dataDir, TextWriter log, IBenchProgress progress, CancellationToken cancel)
    {
        ulong[] chainIds = [.. devnet.Sequencer.Chains.Select(c => c.ChainId)];
        Uri[] endpoints = [.. devnet.Rollups.Select(r => r.Server.Url)];
        var rounds = new List<SoakRound>();
        ulong heightBefore = devnet.Sequencer.Height;
        long gcBefore = GC.GetTotalMemory(forceFullCollection: true), wsBefore = Environment.WorkingSet, dbBefore = DirectorySize(dataDir);
        string? memory = null;
        // Superbatches landed, their calldata and user transactions (all since the soak started; each round takes the difference).
        long superbatches = 0, calldata = 0, userTxs = 0;
        if (devnet.Poster is { } poster)
            poster.Posted += p =>
            {
                Interlocked.Increment(ref superbatches);
                Interlocked.Add(ref calldata, p.CalldataBytes);
                Interlocked.Add(ref userTxs, p.UserTransactions);
            };
        int? warmRound = null;
        long warmHeadroom = 0; // what the caches could still take at the end of the warm-up
        long started = Stopwatch.GetTimestamp();
        log.WriteLine($"soak: rounds of {options.Transactions} transactions for {duration.TotalMinutes:0.#} min");
        do
        {
            int round = rounds.Count;
            (long Superbatches, long Calldata, long UserTxs) postedBefore = (Interlocked.Read(ref superbatches), Interlocked.Read(ref calldata), Interlocked.Read(ref userTxs));
            Workload workload = WorkloadGenerator.Create(new WorkloadSpec
            {
                ChainIds = chainIds, Honest = honest, Adversaries = bad, Transactions = options.Transactions, Mix = options.Mix,
                Token = SystemAddresses.CrossRollupToken, Seed = round, FailingIndexOffset = round * options.Transactions,
                FirstNonce = (rollup, a) => devnet.Sequencer.Chains[rollup].Pool.GetPendingNonce(a.Address), Progress = progress,
            });
            using var roundDone = new CancellationTokenSource();
            Task<ulong?> lag = SampleL1LagAsync(devnet, roundDone.Token);
            LoadReport load;
            try
            {
                load = await LoadDriver.RunAsync(endpoints, workload, new LoadOptions
                {
                    Concurrency = options.Concurrency, Batch = options.Batch, SettleTimeout = options.SettleTimeout, WaitForL1 = devnet.Poster is not null,
                    Progress = progress,
                }, devnet.Poster is null ? null : l1, cancel).ConfigureAwait(false);
            }
            finally
            {
                roundDone.Cancel();
            }
            ulong? maxLag = await lag.ConfigureAwait(false);
            InvariantReport inv = await InvariantChecker.CheckAsync(endpoints, chainIds, load.AcknowledgedHonest, load.AcknowledgedFailing, supply,
                devnet.Poster is { } p ? () => p.Progress.LastHeight : null, options.SettleTimeout, cancel).ConfigureAwait(false);
            // The previous round's hash lists were checked; keep only its figures, so the soak's own records do not
            // grow the heap it measures (issue 8: ~100 KB per round of acknowledged hashes).
            if (rounds.Count > 0) rounds[^1] = rounds[^1] with { Load = WithoutHashes(rounds[^1].Load) };
            var r = new SoakRound(round, load, inv, GC.GetTotalMemory(forceFullCollection: true), Stopwatch.GetElapsedTime(started))
            {
                WorkingSetBytes = Environment.WorkingSet, DataDirBytes = DirectorySize(dataDir), MaxL1Lag = maxLag, Retained = RetainedState.Of(devnet, l1),
                Posted = devnet.Poster is null ? null : ((int)(Interlocked.Read(ref superbatches) - postedBefore.Superbatches),
                    Interlocked.Read(ref calldata) - postedBefore.Calldata, Interlocked.Read(ref userTxs) - postedBefore.UserTxs),
            };
            rounds.Add(r);
            log.WriteLine(r.Format());
            log.WriteLine("  " + r.Retained.Format());
            foreach (string v in inv.Violations.Take(5)) log.WriteLine("  VIOLATION: " + v);
            // Memory stable: growth is measured from the heap after the warm-up, the first round from round 1 on at
            // whose end every rollup's block cache is near its byte bound (a cache filling to its cap is not a leak,
            // issue 8); a leak of pools, statuses or subscriptions grows every round after it.
            // Before the warm-up the caches may still fill: their byte bounds come on top of the limit.
            if (round >= 1 && warmRound is null && BlockCachesWarm(devnet))
            {
                warmRound = round;
                warmHeadroom = BlockCacheHeadroom(devnet);
            }
            int baseline = warmRound ?? 1;
            long allowed = options.HeapGrowthLimitBytes + (warmRound is null ? BlockCacheBounds(devnet) : warmHeadroom);
            if (round > baseline && r.HeapBytes - rounds[baseline].HeapBytes > allowed && memory is null)
                memory = $"heap grew from {rounds[baseline].HeapBytes >> 20} MB after round {baseline} to {r.HeapBytes >> 20} MB after round {round}";
        }
        while (Stopwatch.GetElapsedTime(started) < duration || rounds.Count < options.MinRounds);
        return new BenchReport
        {
            Options = options, Lockstep = rounds[^1].Load, Invariants = rounds[^1].Invariants, Superblocks = devnet.Sequencer.Height - heightBefore,
            GcHeap = (gcBefore, GC.GetTotalMemory(forceFullCollection: true)), WorkingSet = (wsBefore, Environment.WorkingSet),
            Database = (dbBefore, DirectorySize(dataDir)), Rounds = rounds, MemoryViolation = memory, WarmRound = warmRound,
        };
    }

    /// <summary>
    /// The largest gap between the built height and the poster's confirmed height, sampled every 250 ms until
    /// <paramref name="stop"/> (null without a poster).
    /// </summary>
    private static async Task<ulong?> SampleL1LagAsync(Devnet.Devnet devnet, CancellationToken stop)
    {
        if (devnet.Poster is not { } poster) return null;
        ulong max = 0;
        while (!stop.IsCancellationRequested)
        {
            ulong built = devnet.Sequencer.Height, posted = poster.Progress.LastHeight;
            if (built > posted) max = Math.Max(max, built - posted);
            try { await Task.Delay(250, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        return max;
    }

    /// <summary>
    /// Every block cache full: within 2 MiB of its byte bound, or holding its <see cref="RollupChain.CachedBlocks"/>
    /// blocks (the embedded L1's, whose blocks are small, sits there). One at its block bound may still grow as its
    /// blocks get fuller: <see cref="BlockCacheHeadroom"/> is added to the heap limit for that.
    /// </summary>
    private static bool BlockCachesWarm(Devnet.Devnet devnet)
    {
        foreach (RollupChain chain in BlockCaches(devnet))
            if (chain.CachedBlockBytes < chain.BlockCacheByteLimit - (2L << 20) && chain.CachedBlockCount < RollupChain.CachedBlocks) return false;
        return true;
    }

    /// <summary>What every block cache could still take before its byte bound (bytes).</summary>
    private static long BlockCacheHeadroom(Devnet.Devnet devnet)
    {
        long bytes = 0;
        foreach (RollupChain chain in BlockCaches(devnet)) bytes += Math.Max(0, chain.BlockCacheByteLimit - chain.CachedBlockBytes);
        return bytes;
    }

    /// <summary>The byte bounds of every block cache in the process (the rollups', the embedded L1's, the verifier's replicas').</summary>
    private static long BlockCacheBounds(Devnet.Devnet devnet)
    {
        long bytes = 0;
        foreach (RollupChain chain in BlockCaches(devnet)) bytes += chain.BlockCacheByteLimit;
        return bytes;
    }

    private static List<RollupChain> BlockCaches(Devnet.Devnet devnet) => RetainedState.BlockCaches(devnet);

    private static LoadReport WithoutHashes(LoadReport load) => new()
    {
        Sent = load.Sent, Acknowledged = load.Acknowledged, Included = load.Included, Missing = load.Missing, Errors = load.Errors,
        Duration = load.Duration, SubmitDuration = load.SubmitDuration, ReceiptP50Ms = load.ReceiptP50Ms, ReceiptP99Ms = load.ReceiptP99Ms,
        L1P50Ms = load.L1P50Ms, L1P99Ms = load.L1P99Ms, NotOnL1 = load.NotOnL1, FailingSent = load.FailingSent,
        FailingAcknowledged = load.FailingAcknowledged, FailingRejected = load.FailingRejected, FailingUnresolved = load.FailingUnresolved,
        FailingIncluded = load.FailingIncluded,
    };

    private static async Task<LoadReport> RunAnvilAsync(BenchOptions options, TextWriter log, IBenchProgress progress, CancellationToken cancel)
    {
        string binary = options.AnvilPath ?? FindUp(Path.Combine("tools", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"))
            ?? throw new InvalidOperationException("anvil not found: run `npm ci` in tools/ or pass --anvil PATH");
        string artifacts = options.ArtifactsDir ?? FindUp(Path.Combine("contracts", "artifacts"))
            ?? throw new InvalidOperationException("contracts/artifacts not found above the working directory");
        IReadOnlyList<DevAccount> honest = DevAccounts.Derive(DevAccounts.TestMnemonic, options.Senders);
        log.WriteLine($"starting anvil ({binary})");
        using AnvilProcess anvil = AnvilProcess.Start(binary, options.Senders);
        using var rpc = new RpcClient(anvil.Url, 4);
        ulong chainId = RpcClient.Quantity(await rpc.CallAsync("eth_chainId", "[]", cancel).ConfigureAwait(false));

        // Setup: account 0 deploys BenchToken (the whole supply to itself, nonce 0) and gives each sender a share (nonces 1..S-1).
        using JsonDocument artifact = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "BenchToken.json"), cancel).ConfigureAwait(false));
        byte[] init = [.. Hex.Decode(artifact.RootElement.GetProperty("bytecode").GetString()!), .. UInt256.Parse("1000000000000000000000000000000").ToBigEndian()];
        UInt256 maxFee = UInt256.Parse("100000000000"), tip = UInt256.Parse("1000000000");
        PreparedTransaction deploy = WorkloadGenerator.Sign(0, WorkloadKind.Setup, honest[0],
            WorkloadGenerator.Eip1559(chainId, 0, null, UInt256.Zero, 3_000_000, maxFee, tip, init));
        await SubmitAndWaitAsync([anvil.Url], [deploy], options.SettleTimeout, cancel, progress).ConfigureAwait(false);
        JsonElement receipt = await rpc.CallAsync("eth_getTransactionReceipt", $"[\"{deploy.Hash}\"]", cancel).ConfigureAwait(false);
        Address token = Address.FromHex(receipt.GetProperty("contractAddress").GetString()!);
        var setup = new List<PreparedTransaction>();
        for (int s = 1; s < honest.Count; s++)
            setup.Add(WorkloadGenerator.Sign(0, WorkloadKind.Setup, honest[0], WorkloadGenerator.Eip1559(chainId, (ulong)s, token, UInt256.Zero,
                WorkloadGenerator.Erc20Gas, maxFee, tip, SystemCalldata.Transfer(honest[s].Address, UInt256.Parse("1000000000000000000000")))));
        await SubmitAndWaitAsync([anvil.Url], setup, options.SettleTimeout, cancel, progress).ConfigureAwait(false);

        // The plain and ERC20 transactions of the devnet run: the same count of each, the same senders, on one chain.
        int plainAndErc20 = options.Transactions - options.Transactions * options.Mix.Failing / 100 - options.Transactions * options.Mix.Cross / 100;
        int erc20 = options.Transactions * options.Mix.Erc20 / 100;
        int erc20Percent = plainAndErc20 == 0 ? 0 : (int)Math.Round(100.0 * erc20 / plainAndErc20);
        Workload workload = WorkloadGenerator.Create(new WorkloadSpec
        {
            ChainIds = [chainId], Honest = honest, Transactions = plainAndErc20, Mix = new WorkloadMix(100 - erc20Percent, erc20Percent, 0, 0),
            Token = token, FirstNonce = (_, a) => a.Address == honest[0].Address ? (ulong)honest.Count : 0, Progress = progress,
        });
        log.WriteLine($"anvil: driving {workload.Honest.Count} plain/ERC20 transactions");
        return await LoadDriver.RunAsync([anvil.Url], workload, new LoadOptions
        {
            Concurrency = options.Concurrency, Batch = options.Batch, SettleTimeout = options.SettleTimeout, WaitForL1 = false, Progress = progress,
        }, null, cancel).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="txs"/> in batches and waits until each has a receipt (setup steps, not measured).</summary>
    public static async Task SubmitAndWaitAsync(IReadOnlyList<Uri> endpoints, IReadOnlyList<PreparedTransaction> txs, TimeSpan timeout, CancellationToken cancel,
        IBenchProgress? progress = null)
    {
        using IBenchStage stage = (progress ?? IBenchProgress.None).Begin("setup", txs.Count);
        int done = 0;
        var clients = new RpcClient[endpoints.Count];
        for (int r = 0; r < clients.Length; r++) clients[r] = new RpcClient(endpoints[r], 4);
        try
        {
            for (int r = 0; r < clients.Length; r++)
            {
                var mine = new List<PreparedTransaction>();
                foreach (PreparedTransaction t in txs) if (t.Rollup == r) mine.Add(t);
                for (int start = 0; start < mine.Count; start += 200)
                {
                    List<PreparedTransaction> part = mine.GetRange(start, Math.Min(200, mine.Count - start));
                    RpcAnswer[] sent = await clients[r].BatchAsync("eth_sendRawTransaction", part.ConvertAll(t => $"[\"{t.RawHex}\"]"), cancel).ConfigureAwait(false);
                    for (int k = 0; k < sent.Length; k++)
                        if (!sent[k].Ok) throw new InvalidOperationException($"setup transaction {part[k].Hash} refused: {sent[k].Error}");
                }
            }
            long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            foreach (PreparedTransaction t in txs)
            {
                while (true)
                {
                    JsonElement r = await clients[t.Rollup].CallAsync("eth_getTransactionReceipt", $"[\"{t.Hash}\"]", cancel).ConfigureAwait(false);
                    if (r.ValueKind == JsonValueKind.Object)
                    {
                        if (r.GetProperty("status").GetString() != "0x1") throw new InvalidOperationException($"setup transaction {t.Hash} failed");
                        stage.Report(++done);
                        break;
                    }
                    if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"setup transaction {t.Hash} not included after {timeout.TotalSeconds:0} s");
                    await Task.Delay(20, cancel).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (RpcClient c in clients) c.Dispose();
        }
    }

    /// <summary>Bytes of every file under <paramref name="dir"/> (0 when it does not exist).</summary>
    public static long DirectorySize(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        long total = 0;
        foreach (string f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            try { total += new FileInfo(f).Length; }
            catch (IOException) { }
        }
        return total;
    }

    private static string? FindUp(string relative)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (string? dir = start; dir != null; dir = Path.GetDirectoryName(dir))
            {
                string candidate = Path.Combine(dir, relative);
                if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
            }
        return null;
    }
}
