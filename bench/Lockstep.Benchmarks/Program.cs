using System.Globalization;
using BenchmarkDotNet.Running;
using Lockstep.Benchmarks.Flows;

namespace Lockstep.Benchmarks;

/// <summary>
/// Kernel benchmarks: <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*'</c>.
/// Whole flows: <c>... -- erc20 [--txs 20000] [--senders 100] [--runs 5]</c> and <c>... -- compute [--rounds 20000] [--runs 5]</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "erc20") return Erc20(args);
        if (args.Length > 0 && args[0] == "compute") return Compute(args);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int Compute(string[] args)
    {
        int rounds = Arg(args, "rounds", 20000), runs = Arg(args, "runs", 5);
        ComputeFlow.RunOnce(Math.Min(rounds, 2000)); // warm-up
        var rates = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var (gas, seconds) = ComputeFlow.RunOnce(rounds);
            rates.Add(gas / seconds / 1e6);
            Console.WriteLine(FormattableString.Invariant($"lockstep run {r + 1}: Compute.run({rounds}) {gas} gas in {seconds:F3} s = {gas / seconds / 1e6:F1} Mgas/s"));
        }
        rates.Sort();
        Console.WriteLine(FormattableString.Invariant($"lockstep median {rates[rates.Count / 2]:F1} Mgas/s (best {rates[^1]:F1})"));
        return 0;
    }

    private static int Erc20(string[] args)
    {
        int txs = Arg(args, "txs", 20000), senders = Arg(args, "senders", 100), runs = Arg(args, "runs", 5);
        Erc20BlockFlow.RunOnce(Math.Min(txs, 2000), senders); // warm-up: JIT tiers, caches
        var results = new List<Erc20BlockFlow.Result>();
        for (int r = 0; r < runs; r++)
        {
            var res = Erc20BlockFlow.RunOnce(txs, senders);
            results.Add(res);
            Console.WriteLine(FormattableString.Invariant(
                $"lockstep run {r + 1}: {res.Txs} ERC20 transfers in {res.Seconds:F3} s (execute {res.ExecuteSeconds:F3} s, state root {res.RootSeconds:F3} s) = {res.TxPerSecond:F0} tx/s, {res.MgasPerSecond:F1} Mgas/s, root {res.Root}"));
        }
        var sorted = results.OrderBy(r => r.TxPerSecond).ToList();
        Console.WriteLine(FormattableString.Invariant($"lockstep median {sorted[sorted.Count / 2].TxPerSecond:F0} tx/s (best {sorted[^1].TxPerSecond:F0})"));
        return 0;
    }
}
