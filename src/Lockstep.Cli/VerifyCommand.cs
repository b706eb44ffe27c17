using System.Globalization;
using Lockstep.Chain;
using Lockstep.Primitives;
using Lockstep.Settlement;
using Lockstep.Verifier;

namespace Lockstep.Cli;

/// <summary>
/// <c>lockstep verify</c>: the verifier full node (issue 6, docs/verifier.md). Follows an L1SharedInbox over any
/// JSON-RPC L1, derives every rollup of the set from the posted superbatches alone, re-executes them, checks the
/// claimed state roots and every outbox/inbox root pair, submits the shared fraud proof itself when it has a funded
/// key, and serves a read-only JSON-RPC per rollup with <c>lockstep_verifierStatus</c>.
/// </summary>
public static class VerifyCommand
{
    /// <summary>The flags, as printed by <c>lockstep verify --help</c>.</summary>
    public const string Usage = """
        usage: lockstep verify --l1-rpc URL --inbox ADDR --genesis FILE [--genesis FILE ...] [options]
          --l1-rpc URL       JSON-RPC endpoint of the L1 (anvil, geth, the devnet's embedded L1)
          --inbox ADDR       the set's L1SharedInbox
          --genesis FILE     geth genesis JSON of each rollup, in the inbox's chainIds() order (a devnet writes
                             them to DATA_DIR/genesis/<chainId>.json)
          --key HEX          funded L1 key that signs challenges and state-root flags (default: report only)
          --data-dir DIR     replicas and verdicts, RocksDB (default: a temporary directory, removed at exit)
          --port P           replica RPC of rollup i on P + i (default 8645; 0 = free ports)
          --from-block N     first L1 block to scan for SuperbatchSubmitted (default 0)
          --coinbase ADDR    the set's block fee recipient (default zero, as the devnet)
          --flag-bond WEI    value sent with flagStateRoot (default: read from the inbox: its flagBond() when it has
                             an arbiter, else 0)
          --arbiter-key HEX  also act as the inbox's state-root arbiter (the TRUSTED role: its arbiter() must be this
                             key's address): every StateRootFlagged is judged by this verifier's own re-execution and
                             resolved on L1 (upheld: rejected + slashed; dismissed: the flagger's bond to the submitter)
          --poll S           seconds between L1 polls (default 1)
        Prints one line per verdict and a progress line every 5 s (a progress bar while it catches up, on a terminal);
        Ctrl-C stops it (progress is kept in --data-dir).

        lockstep verify bench [--superbatches N] [--txs M] [--rollups R] [--cross-percent P] [--memory]
          sync speed: a set posts N superbatches of M transfers (P% bridged; defaults 20, 500, 2, 5) to an embedded
          L1, then a fresh verifier catches up from L1 alone (replicas in RocksDB unless --memory) and is timed.
        """;

    /// <summary>Usage of <c>lockstep verify bench</c>.</summary>
    public const string BenchUsage = """
        usage: lockstep verify bench [--superbatches N] [--txs M] [--rollups R] [--cross-percent P] [--memory]
          --superbatches N   superbatches posted before the verifier starts, one superblock each (default 20)
          --txs M            user transactions per superbatch over all rollups (default 500)
          --rollups R        rollups in the set (default 2)
          --cross-percent P  percent of them bridging ETH to the next rollup (default 5)
          --memory           replicas in memory instead of RocksDB in a temporary directory
        Prints blocks/s and tx/s of the whole catch-up (L1 reads, decoding, re-execution, checks) and of
        re-execution alone, with the process CPU time.
        """;

    /// <summary>Runs the verifier; returns the exit code.</summary>
    public static int Run(string[] args) => args.Length > 0 && args[0] == "bench"
        ? CommandLine.Run("verify bench", BenchUsage, args[1..], BenchSettings.Parse, s => s.Help, RunBenchAsync)
        : CommandLine.Run("verify", Usage, args, Settings.Parse, s => s.Help, RunAsync);

    private static async Task<int> RunAsync(Settings s)
    {
        var geneses = new List<Genesis>();
        foreach (string file in s.Geneses)
        {
            try { geneses.Add(Genesis.FromJson(File.ReadAllText(file))); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException)
            {
                Console.Error.WriteLine($"lockstep verify: --genesis {file}: {e.Message}");
                return 2;
            }
        }
        bool temporary = s.DataDir is null;
        string dataDir = s.DataDir ?? Path.Combine(Path.GetTempPath(), "lockstep-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        try
        {
            // Handlers first, banner after (as devnet/node since 398ad19): a SIGTERM sent the moment the banner is read
            // must stop us, not fall to the runtime's default.
            using CommandLine.ShutdownSignal signal = CommandLine.ShutdownSignal.Register();
            using var l1 = new JsonRpcL1Client(new Uri(s.L1Rpc!));
            UInt256 flagBond = s.FlagBond ?? await InboxFlagBondAsync(l1, s.Inbox!.Value).ConfigureAwait(false);
            await using var verifier = new SetVerifier(l1, new VerifierOptions
            {
                Inbox = s.Inbox!.Value, Geneses = geneses, DataDir = dataDir, ChallengerKey = s.Key, Coinbase = s.Coinbase,
                FlagBond = flagBond, FromL1Block = s.FromBlock, PollInterval = TimeSpan.FromSeconds(s.Poll),
            });
            await using FlagArbiter? arbiter = s.ArbiterKey is null ? null : new FlagArbiter(l1, verifier, new ArbiterOptions
            {
                Inbox = s.Inbox.Value, ArbiterKey = s.ArbiterKey, FromL1Block = s.FromBlock, PollInterval = TimeSpan.FromSeconds(s.Poll),
            });
            using var display = new CatchUpDisplay(verifier);
            verifier.VerdictReached += display.OnVerdict;
            verifier.ReplicasReset += why => display.Line($"replicas re-derived from L1: {why}");
            verifier.Failed += e => Console.Error.WriteLine($"verify: {e.Message}");
            await using VerifierRpc rpc = await VerifierRpc.StartAsync(verifier, s.Port).ConfigureAwait(false);
            Console.WriteLine($"verifying {geneses.Count} rollups of inbox {s.Inbox} on {s.L1Rpc}; data in {dataDir}");
            for (int i = 0; i < rpc.Urls.Count; i++) Console.WriteLine($"  chain {verifier.ChainIds[i]}: read-only RPC {rpc.Urls[i]}");
            Console.WriteLine(s.Key is null ? "  no --key: fraud is detected and reported, not challenged" : "  challenger " + Crypto.Ecdsa.PrivateKeyToAddress(s.Key));
            if (arbiter is null) verifier.Start();
            else
            {
                // The arbiter drives the verifier's rounds and judges every open flag with its verdicts (docs/verifier.md).
                Console.WriteLine($"  arbiter {arbiter.Address}: state-root flags are resolved with this verifier's own re-execution");
                arbiter.Ruled += r => display.Line($"flag on superbatch {r.Index} chain {r.ChainId} by {r.Flagger}: {(r.Upheld ? "UPHELD" : "dismissed")} ({r.Reason})" +
                    (r.ActionSucceeded ? $", resolveFlag {r.ActionTx}" : $", resolveFlag failed: {r.ActionError}"));
                arbiter.Failed += e => Console.Error.WriteLine($"verify: arbiter: {e.Message}");
                arbiter.Start();
            }
            using var ticker = new Timer(_ => display.Tick(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
            await signal.Task.ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is L1Exception or IOException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine($"lockstep verify: {e.Message}");
            return 1;
        }
        finally
        {
            if (temporary && Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>The inbox's flag bond when it has an arbiter (flagStateRoot then requires exactly it), else 0.</summary>
    private static async Task<UInt256> InboxFlagBondAsync(JsonRpcL1Client l1, Address inbox)
    {
        byte[] arbiter = await l1.CallAsync(inbox, L1Contracts.SharedInbox.Arbiter()).ConfigureAwait(false);
        if (arbiter.Length != 32 || new Address(arbiter.AsSpan(12, 20)) == Address.Zero) return UInt256.Zero;
        return new UInt256((await l1.CallAsync(inbox, L1Contracts.SharedInbox.FlagBond()).ConfigureAwait(false)).AsSpan(0, 32));
    }

    private static async Task<int> RunBenchAsync(BenchSettings s)
    {
        string artifacts = Path.Combine(FindRepoRoot() ?? ".", "contracts", "artifacts");
        if (!Directory.Exists(artifacts))
        {
            Console.Error.WriteLine("lockstep verify bench: contracts/artifacts not found (run from the repository)");
            return 2;
        }
        Console.WriteLine($"verify bench: {s.Superbatches} superbatches of {s.Transactions} transactions on {s.Rollups} rollups ({s.CrossPercent}% bridged), " +
            $"replicas in {(s.Memory ? "memory" : "RocksDB")}; preparing the L1 history...");
        ConsoleProgress? bar = null;
        CatchUpResult r;
        try
        {
            r = await CatchUpBenchmark.RunAsync(new CatchUpBenchmarkOptions
            {
                ArtifactsDir = artifacts, Superbatches = s.Superbatches, TransactionsPerSuperbatch = s.Transactions, Rollups = s.Rollups,
                CrossRollupPercent = s.CrossPercent, RocksDb = !s.Memory,
            }, v =>
            {
                bar ??= ConsoleProgress.Start("catch-up: superbatches", s.Superbatches);
                bar.Report((long)v.Progress.VerifiedSuperbatches);
            }).ConfigureAwait(false);
        }
        finally
        {
            bar?.Dispose();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prepared in {r.PrepareSeconds:F1} s; catch-up: {r.Superbatches} superbatches, {r.Blocks} blocks, {r.Transactions} txs in {r.SyncSeconds:F3} s = " +
            $"{r.BlocksPerSecond:F1} blocks/s, {r.TransactionsPerSecond:F0} tx/s (re-execution alone {r.ReplaySeconds:F3} s = {r.ReplayTransactionsPerSecond:F0} tx/s); " +
            $"process CPU {r.CpuSeconds:F3} s; state roots equal to the sequencer's"));
        return 0;
    }

    private static string? FindRepoRoot()
    {
        for (string? dir = Directory.GetCurrentDirectory(); dir is not null; dir = Path.GetDirectoryName(dir))
            if (Directory.Exists(Path.Combine(dir, "contracts", "artifacts"))) return dir;
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (Directory.Exists(Path.Combine(dir, "contracts", "artifacts"))) return dir;
        return null;
    }

    /// <summary>
    /// The console while following: a progress bar over the superbatches while catching up (a terminal only; ok
    /// verdicts are counted by the bar instead of printed), one "caught up" line with the sync speed, then a progress
    /// line every 5 s and one line per verdict.
    /// </summary>
    private sealed class CatchUpDisplay(SetVerifier verifier) : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
        private ConsoleProgress? _bar;
        private long _barTotal;
        private bool _caughtUp;
        private bool _closed;
        private long _lastLine = System.Diagnostics.Stopwatch.GetTimestamp();

        public void OnVerdict(SuperbatchVerdict v)
        {
            lock (_lock)
            {
                if (_bar is not null && v.Kind == VerdictKind.Ok) return;
                CloseBar();
                Console.WriteLine(Describe(v));
            }
        }

        public void Line(string text)
        {
            lock (_lock)
            {
                CloseBar();
                Console.WriteLine(text);
            }
        }

        public void Tick()
        {
            lock (_lock)
            {
                if (_closed) return; // the verifier is being disposed after us
                VerifierProgress p = verifier.Progress;
                bool behind = p.Halted is null && p.VerifiedSuperbatches < p.L1Superbatches;
                if (behind && !_caughtUp && !Console.IsOutputRedirected)
                {
                    if (_bar is null || (long)p.L1Superbatches != _barTotal)
                    {
                        CloseBar();
                        _barTotal = (long)p.L1Superbatches;
                        _bar = ConsoleProgress.Start("catch-up: superbatches", _barTotal);
                    }
                    _bar.Report((long)p.VerifiedSuperbatches);
                    return;
                }
                CloseBar();
                if (!_caughtUp && !behind && p.L1Superbatches > 0 && p.Halted is null)
                {
                    _caughtUp = true;
                    double wall = System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"caught up: {p.VerifiedSuperbatches} superbatches, block {p.ReplicaHeight}; {p.BlocksReplayed} blocks and {p.TransactionsReplayed} txs re-executed " +
                        $"in {p.ReplaySeconds:F1} s ({Rate(p.BlocksReplayed, p.ReplaySeconds)} blocks/s, {Rate(p.TransactionsReplayed, p.ReplaySeconds)} tx/s), {wall:F1} s since start"));
                }
                if (System.Diagnostics.Stopwatch.GetElapsedTime(_lastLine) < TimeSpan.FromSeconds(5)) return;
                _lastLine = System.Diagnostics.Stopwatch.GetTimestamp();
                Console.WriteLine($"progress: superbatch {p.VerifiedSuperbatches}/{p.L1Superbatches}, block {p.ReplicaHeight}/{p.TargetHeight}, " +
                    $"{p.BlocksReplayed} blocks and {p.TransactionsReplayed} txs replayed" + (p.Halted is null ? "" : $"; HALTED: {p.Halted}"));
            }
        }

        private static string Rate(long n, double seconds) => seconds > 0 ? (n / seconds).ToString("F0", CultureInfo.InvariantCulture) : "-";

        private void CloseBar()
        {
            _bar?.Dispose();
            _bar = null;
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _closed = true;
                CloseBar();
            }
        }
    }

    /// <summary>One line per verdict: what was checked or what is wrong, and the L1 action taken.</summary>
    public static string Describe(SuperbatchVerdict v)
    {
        string action = v.ActionTx is { } tx ? $"; L1 tx {tx} {(v.ActionSucceeded ? "succeeded" : "FAILED")}" : "";
        if (v.ActionError is not null) action += $" ({v.ActionError})";
        return v.Kind == VerdictKind.Ok
            ? $"superbatch {v.Index} ok (up to block {v.LastBlock}): {v.Detail}"
            : $"superbatch {v.Index} {v.Kind}: {v.Detail}{action}";
    }

    private sealed class BenchSettings
    {
        public int Superbatches = 20;
        public int Transactions = 500;
        public int Rollups = 2;
        public int CrossPercent = 5;
        public bool Memory;
        public bool Help;

        public static BenchSettings Parse(string[] args)
        {
            var s = new BenchSettings();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                if (a is "-h" or "--help") { s.Help = true; continue; }
                if (a == "--memory") { s.Memory = true; continue; }
                if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
                string v = args[++i];
                switch (a)
                {
                    case "--superbatches": s.Superbatches = CommandLine.ParseInt(a, v, 1, 100_000); break;
                    case "--txs": s.Transactions = CommandLine.ParseInt(a, v, 1, 5_000); break;
                    case "--rollups": s.Rollups = CommandLine.ParseInt(a, v, 1, 16); break;
                    case "--cross-percent": s.CrossPercent = CommandLine.ParseInt(a, v, 0, 100); break;
                    default: throw new ArgumentException($"unknown flag {a}");
                }
            }
            return s;
        }
    }

    private sealed class Settings
    {
        public string? L1Rpc;
        public Address? Inbox;
        public List<string> Geneses = new();
        public byte[]? Key;
        public string? DataDir;
        public int Port = 8645;
        public ulong FromBlock;
        public Address Coinbase;
        public UInt256? FlagBond;
        public byte[]? ArbiterKey;
        public double Poll = 1;
        public bool Help;

        public static Settings Parse(string[] args)
        {
            var s = new Settings();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                if (a is "-h" or "--help") { s.Help = true; continue; }
                if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
                string v = args[++i];
                switch (a)
                {
                    case "--l1-rpc":
                        if (!Uri.TryCreate(v, UriKind.Absolute, out _)) throw new ArgumentException("--l1-rpc must be a URL");
                        s.L1Rpc = v;
                        break;
                    case "--inbox": s.Inbox = ParseAddress(a, v); break;
                    case "--genesis": s.Geneses.Add(v); break;
                    case "--key": s.Key = ParseKey(a, v); break;
                    case "--arbiter-key": s.ArbiterKey = ParseKey(a, v); break;
                    case "--data-dir": s.DataDir = v; break;
                    case "--port": s.Port = CommandLine.ParseInt(a, v, 0, 65535); break;
                    case "--from-block":
                        s.FromBlock = ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong b) ? b : throw new ArgumentException("--from-block must be a block number");
                        break;
                    case "--coinbase": s.Coinbase = ParseAddress(a, v); break;
                    case "--flag-bond": s.FlagBond = UInt256.TryParse(v, out UInt256 w) ? w : throw new ArgumentException("--flag-bond must be an amount of wei"); break;
                    case "--poll": s.Poll = CommandLine.ParseSeconds(a, v); break;
                    default: throw new ArgumentException($"unknown flag {a}");
                }
            }
            if (!s.Help)
            {
                if (s.L1Rpc is null) throw new ArgumentException("--l1-rpc is required");
                if (s.Inbox is null) throw new ArgumentException("--inbox is required");
                if (s.Geneses.Count == 0) throw new ArgumentException("at least one --genesis is required (one per rollup, in the inbox's order)");
            }
            return s;
        }

        private static byte[] ParseKey(string flag, string value)
        {
            byte[] key;
            try { key = Hex.Decode(value); }
            catch (FormatException) { throw new ArgumentException($"{flag} must be 32 bytes of hex"); }
            return key.Length == 32 ? key : throw new ArgumentException($"{flag} must be 32 bytes of hex");
        }

        private static Address ParseAddress(string flag, string value)
        {
            try { return Address.FromHex(value); }
            catch (Exception e) when (e is FormatException or ArgumentException) { throw new ArgumentException($"{flag} must be a 20-byte hex address"); }
        }
    }
}
