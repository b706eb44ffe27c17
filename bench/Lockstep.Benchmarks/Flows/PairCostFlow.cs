using System.Diagnostics;
using System.Globalization;
using Lockstep.Sequencer;

namespace Lockstep.Benchmarks.Flows;

/// <summary>
/// Issue 4's ratio, measured so that a noisy host cannot tilt it: <c>dotnet run -c Release --project
/// bench/Lockstep.Benchmarks -- pair-cost [--rollups 2,4,8] [--state 0,100000] [--rounds 15] [--warmups 8]</c>.
/// For each rollup count and state size it builds superblocks of plain transfers and of cross-rollup pairs
/// (<see cref="SuperblockBenchmarks.Prepare"/>, 500 user transactions per rollup) alternately in one process, so both
/// workloads see the same host, and reports the process CPU time of each build: minimum and median per workload, the
/// ratio of the minimums and the median of the per-round ratios, where ratio = (pair build / transfer build) / 2 (the
/// cost of one pair against two plain transfers; the target is at most 1.5).
/// </summary>
public static class PairCostFlow
{
    /// <summary>The figures of one rollup count and state size.</summary>
    public sealed record Result(int Rollups, int StateAccounts, double TransferMinMs, double TransferMedianMs,
        double PairMinMs, double PairMedianMs, double RatioOfMinimums, double MedianRatio);

    /// <summary>Runs the alternation for one configuration.</summary>
    public static Result Run(int rollups, int stateAccounts, int rounds, int warmups, int txsPerRollup = 500)
    {
        var builder = new SuperblockBuilder { MaxRecoveryParallelism = 1 };
        var transfers = new List<double>();
        var pairs = new List<double>();
        var ratios = new List<double>();
        for (int i = 0; i < warmups + rounds; i++)
        {
            double t = BuildMs(builder, SuperblockBenchmarks.Prepare(rollups, false, txsPerRollup, stateAccounts));
            double p = BuildMs(builder, SuperblockBenchmarks.Prepare(rollups, true, txsPerRollup, stateAccounts));
            if (i < warmups) continue;
            transfers.Add(t);
            pairs.Add(p);
            ratios.Add(p / t / 2);
        }
        transfers.Sort();
        pairs.Sort();
        ratios.Sort();
        return new Result(rollups, stateAccounts, transfers[0], transfers[rounds / 2], pairs[0], pairs[rounds / 2],
            pairs[0] / transfers[0] / 2, ratios[rounds / 2]);
    }

    /// <summary>Process CPU milliseconds of one build (the setup's garbage collected first, outside the time).</summary>
    private static double BuildMs(SuperblockBuilder builder, RollupInput[] inputs)
    {
        SuperblockBenchmarks.CollectSetupGarbage();
        using var process = Process.GetCurrentProcess();
        TimeSpan before = process.TotalProcessorTime;
        SuperblockBenchmarks.BuildIncluded(builder, inputs);
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMilliseconds;
    }

    /// <summary>The command: every configuration, one line each, then a table for docs/benchmarks.md.</summary>
    public static int Command(string[] args)
    {
        int[] rollupCounts = List(args, "rollups", [2, 4, 8]);
        int[] stateSizes = List(args, "state", [0, 100_000]);
        int rounds = List(args, "rounds", [15])[0], warmups = List(args, "warmups", [8])[0];
        var results = new List<Result>();
        foreach (int state in stateSizes)
        {
            foreach (int rollups in rollupCounts)
            {
                Result r = Run(rollups, state, rounds, warmups);
                results.Add(r);
                Console.WriteLine(FormattableString.Invariant(
                    $"{rollups} rollups, {state} accounts: transfers min {r.TransferMinMs:F1} ms (median {r.TransferMedianMs:F1}), pairs min {r.PairMinMs:F1} ms (median {r.PairMedianMs:F1}); pair / 2 transfers: {r.RatioOfMinimums:F2} (minimums), {r.MedianRatio:F2} (median of {rounds} rounds)"));
            }
        }
        Console.WriteLine();
        Console.WriteLine("| rollups | genesis accounts | transfers/superblock | transfer build (min) | per transfer | pair build (min) | per pair | pair / 2 transfers (minimums) | median of rounds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (Result r in results)
        {
            int n = r.Rollups * 500;
            Console.WriteLine(FormattableString.Invariant(
                $"| {r.Rollups} | {r.StateAccounts:N0} | {n:N0} | {r.TransferMinMs:F1} ms | {1000 * r.TransferMinMs / n:F1} µs | {r.PairMinMs:F1} ms | {1000 * r.PairMinMs / n:F1} µs | {r.RatioOfMinimums:F2}x | {r.MedianRatio:F2}x |"));
        }
        return 0;
    }

    private static int[] List(string[] args, string name, int[] fallback)
    {
        int i = Array.IndexOf(args, "--" + name);
        if (i < 0 || i + 1 >= args.Length) return fallback;
        return args[i + 1].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
    }
}
