using System.Globalization;
using Lockstep.Workload;

namespace Lockstep.Cli;

/// <summary>
/// <c>lockstep bench</c>: drives a devnet started in this process with a workload signed in advance over JSON-RPC,
/// reports throughput, latency, memory and database growth, checks the invariants, and with
/// <c>--against-anvil</c> replays the plain/ERC20 part into anvil (docs/load.md).
/// </summary>
public static class BenchCommand
{
    /// <summary>The flags, as printed by <c>lockstep bench --help</c>.</summary>
    public const string Usage = """
        usage: lockstep bench [options]
          --rollups N          rollups of the devnet (default 2)
          --txs N              transactions of the measured run, failing ones included (default 10000)
          --mix SPEC           shares in percent (default plain=50,erc20=20,cross=20,failing=10)
          --senders N          honest sender accounts (default 64)
          --adversaries N      adversary accounts sending failing bundles, one lane each (default 16)
          --concurrency N      concurrent JSON-RPC connections (default 32)
          --batch N            transactions per JSON-RPC request (default 1: one request per transaction)
          --l1 embedded|none|URL  settle on the embedded L1 (default), run the rollups alone, or settle on the L1
                               at URL (anvil, a testnet): the devnet deploys the L1 contracts there and posts to it
          --l1-key HEX         with --l1 URL: the funded L1 key that deploys (default: anvil's account 0)
          --duration T         soak: rounds of --txs transactions until T has passed (90s, 30m, 2h), the invariants
                               checked after every round, the heap checked for growth (docs/load.md, "Soak")
          --spam-share P       percent of failing bundles (the honest shares keep their proportions)
          --no-protection      turn the builder protection (BundleAdmission) off
          --against-anvil      replay the same plain/ERC20 transactions into anvil for the side-by-side figures
          --anvil-only         skip the devnet run (with --against-anvil)
          --anvil PATH         anvil binary (default: tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil)
          --timeout S          longest wait for inclusion and L1 posting after the last submission (default 180)
        Progress bars on standard error when it is a terminal, plain lines otherwise; the report on standard output.
        Exit code 0 when every invariant held, 1 when one was violated, 2 on a usage error.
        """;

    /// <summary>Runs the bench; returns the process exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run("bench", Usage, args, Parse, s => s.Help, RunAsync);

    private static async Task<int> RunAsync(Settings s)
    {
        BenchReport report;
        try
        {
            report = await BenchRunner.RunAsync(s.Options, Console.Error, default, ConsoleBenchProgress.ForConsole()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            Console.Error.WriteLine($"lockstep bench: {e.Message}");
            return 1;
        }
        Console.Write(report.Format());
        return report.Ok ? 0 : 1;
    }

    private sealed record Settings(BenchOptions Options, bool Help);

    /// <summary>A duration: a number with s, m or h (seconds when bare): 90s, 30m, 1.5h.</summary>
    private static TimeSpan ParseDuration(string flag, string text)
    {
        double unit = text.EndsWith('h') ? 3600 : text.EndsWith('m') ? 60 : 1;
        string number = text.EndsWith('h') || text.EndsWith('m') || text.EndsWith('s') ? text[..^1] : text;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v * unit <= 7 * 86400
            ? TimeSpan.FromSeconds(v * unit)
            : throw new ArgumentException($"{flag} must be a positive duration like 90s, 30m or 2h (at most a week)");
    }

    private static Settings Parse(string[] args)
    {
        int rollups = 2, txs = 10_000, senders = 64, adversaries = 16, concurrency = 32, batch = 1;
        WorkloadMix mix = WorkloadMix.Default;
        bool l1 = true, protection = true, anvil = false, anvilOnly = false, help = false;
        string? anvilPath = null;
        double timeout = 180;
        Uri? l1Rpc = null;
        byte[]? l1Key = null;
        TimeSpan? duration = null;
        int? spamShare = null;
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{flag} needs a value");
            switch (flag)
            {
                case "-h" or "--help": help = true; break;
                case "--rollups": rollups = CommandLine.ParseInt(flag, Value(), 2, 64); break;
                case "--txs": txs = CommandLine.ParseInt(flag, Value(), 1, 10_000_000); break;
                case "--mix": mix = WorkloadMix.Parse(Value()); break;
                case "--senders": senders = CommandLine.ParseInt(flag, Value(), 1, 10_000); break;
                case "--adversaries": adversaries = CommandLine.ParseInt(flag, Value(), 1, 10_000); break;
                case "--concurrency": concurrency = CommandLine.ParseInt(flag, Value(), 1, 4_096); break;
                case "--batch": batch = CommandLine.ParseInt(flag, Value(), 1, 10_000); break;
                case "--l1":
                    string v = Value();
                    if (v is "embedded" or "none") l1 = v == "embedded";
                    else if (Uri.TryCreate(v, UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https") l1Rpc = u;
                    else throw new ArgumentException("--l1 takes embedded, none or the http(s) URL of an L1");
                    break;
                case "--l1-key":
                    try { l1Key = Lockstep.Primitives.Hex.Decode(Value()); }
                    catch (FormatException) { throw new ArgumentException("--l1-key must be a 32-byte hex private key"); }
                    if (l1Key.Length != 32) throw new ArgumentException("--l1-key must be a 32-byte hex private key");
                    break;
                case "--duration": duration = ParseDuration(flag, Value()); break;
                case "--spam-share": spamShare = CommandLine.ParseInt(flag, Value(), 0, 100); break;
                case "--no-protection": protection = false; break;
                case "--against-anvil": anvil = true; break;
                case "--anvil-only": anvilOnly = true; break;
                case "--anvil": anvilPath = Value(); break;
                case "--timeout": timeout = CommandLine.ParseSeconds(flag, Value()); break;
                default: throw new ArgumentException($"unknown flag '{flag}'");
            }
        }
        if (anvilOnly && !anvil) throw new ArgumentException("--anvil-only needs --against-anvil");
        if (l1Key is not null && l1Rpc is null) throw new ArgumentException("--l1-key needs --l1 URL");
        if (duration is not null && (anvil || anvilOnly)) throw new ArgumentException("--duration runs the devnet only: leave out --against-anvil");
        if (spamShare is { } share) mix = mix.WithFailing(share);
        return new Settings(new BenchOptions
        {
            Rollups = rollups, Transactions = txs, Mix = mix, Senders = senders, Adversaries = adversaries, Concurrency = concurrency,
            Batch = batch, EmbeddedL1 = l1, L1Rpc = l1Rpc, L1Key = l1Key, Duration = duration, Protection = protection, AgainstAnvil = anvil, AnvilOnly = anvilOnly, AnvilPath = anvilPath,
            SettleTimeout = TimeSpan.FromSeconds(timeout),
        }, help);
    }
}
