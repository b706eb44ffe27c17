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
          --l1 embedded|none   settle on the embedded L1 (default) or run the rollups alone
          --no-protection      turn the builder protection (BundleAdmission) off
          --against-anvil      replay the same plain/ERC20 transactions into anvil for the side-by-side figures
          --anvil-only         skip the devnet run (with --against-anvil)
          --anvil PATH         anvil binary (default: tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil)
          --timeout S          longest wait for inclusion and L1 posting after the last submission (default 180)
        Exit code 0 when every invariant held, 1 when one was violated, 2 on a usage error.
        """;

    /// <summary>Runs the bench; returns the process exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run("bench", Usage, args, Parse, s => s.Help, RunAsync);

    private static async Task<int> RunAsync(Settings s)
    {
        BenchReport report;
        try
        {
            report = await BenchRunner.RunAsync(s.Options, Console.Error).ConfigureAwait(false);
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

    private static Settings Parse(string[] args)
    {
        int rollups = 2, txs = 10_000, senders = 64, adversaries = 16, concurrency = 32, batch = 1;
        WorkloadMix mix = WorkloadMix.Default;
        bool l1 = true, protection = true, anvil = false, anvilOnly = false, help = false;
        string? anvilPath = null;
        double timeout = 180;
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
                    l1 = v switch
                    {
                        "embedded" => true,
                        "none" => false,
                        _ => throw new ArgumentException("--l1 takes embedded or none (an external L1 URL needs the devnet to settle on one first)"),
                    };
                    break;
                case "--no-protection": protection = false; break;
                case "--against-anvil": anvil = true; break;
                case "--anvil-only": anvilOnly = true; break;
                case "--anvil": anvilPath = Value(); break;
                case "--timeout": timeout = CommandLine.ParseSeconds(flag, Value()); break;
                default: throw new ArgumentException($"unknown flag '{flag}'");
            }
        }
        if (anvilOnly && !anvil) throw new ArgumentException("--anvil-only needs --against-anvil");
        return new Settings(new BenchOptions
        {
            Rollups = rollups, Transactions = txs, Mix = mix, Senders = senders, Adversaries = adversaries, Concurrency = concurrency,
            Batch = batch, EmbeddedL1 = l1, Protection = protection, AgainstAnvil = anvil, AnvilOnly = anvilOnly, AnvilPath = anvilPath,
            SettleTimeout = TimeSpan.FromSeconds(timeout),
        }, help);
    }
}
