using System.Globalization;
using BenchmarkDotNet.Running;
using Lockstep.Benchmarks.Flows;

namespace Lockstep.Benchmarks;

/// <summary>
/// Kernel benchmarks: <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*'</c>.
/// Whole flows: <c>... -- erc20 [--txs 20000] [--senders 100] [--runs 5]</c> and <c>... -- compute [--rounds 20000] [--runs 5]</c>;
/// the same on Nethereum.EVM: <c>... -- erc20-nethereum [--txs 2000] ...</c> and <c>... -- compute-nethereum [--rounds 2000] ...</c>
/// (smaller defaults: it is much slower), each checked against our engine's gas (and state root for ERC20).
/// Issue 4's pair/transfer ratio, both workloads interleaved in one process: <c>... -- pair-cost [--rollups 2,4,8] [--state 0,100000]</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "erc20") return Erc20(args);
        if (args.Length > 0 && args[0] == "compute") return Compute(args);
        if (args.Length > 0 && args[0] == "erc20-nethereum") return Erc20Nethereum(args).GetAwaiter().GetResult();
        if (args.Length > 0 && args[0] == "statetest-times") return StateTestTimes.Run(args);
        if (args.Length > 0 && args[0] == "pair-cost") return PairCostFlow.Command(args);
        if (args.Length > 0 && args[0] == "compute-nethereum") return ComputeNethereum(args).GetAwaiter().GetResult();
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

    private const double WarmUpSeconds = 5;

    private static async Task<int> ComputeNethereum(string[] args)
    {
        int rounds = Arg(args, "rounds", 2000), runs = Arg(args, "runs", 5);
        // Warm-up: Nethereum's code takes seconds of running to reach its fastest JIT tier; one pass is not enough.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        do await NethereumComputeFlow.RunOnceAsync(Math.Min(rounds, 2000)); while (warm.Elapsed.TotalSeconds < WarmUpSeconds);
        long ours = ComputeFlow.RunOnce(rounds).Gas;
        var rates = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var (gas, seconds) = await NethereumComputeFlow.RunOnceAsync(rounds);
            if (gas != ours) throw new InvalidOperationException($"Nethereum used {gas} gas for Compute.run({rounds}), lockstep {ours}");
            rates.Add(gas / seconds / 1e6);
            Console.WriteLine(FormattableString.Invariant($"nethereum run {r + 1}: Compute.run({rounds}) {gas} gas (lockstep {ours}) in {seconds:F3} s = {gas / seconds / 1e6:F1} Mgas/s"));
        }
        rates.Sort();
        Console.WriteLine(FormattableString.Invariant($"nethereum median {rates[rates.Count / 2]:F1} Mgas/s (best {rates[^1]:F1})"));
        return 0;
    }

    private static async Task<int> Erc20Nethereum(string[] args)
    {
        int txs = Arg(args, "txs", 2000), senders = Arg(args, "senders", 100), runs = Arg(args, "runs", 5);
        var warm = System.Diagnostics.Stopwatch.StartNew(); // warm-up: JIT tiers, caches (see ComputeNethereum)
        do await NethereumErc20Flow.RunOnceAsync(Math.Min(txs, 1000), senders); while (warm.Elapsed.TotalSeconds < WarmUpSeconds);
        // Same accounts and transactions on our engine: the gas and the state root must be the same.
        Erc20BlockFlow.Result ours = Erc20BlockFlow.RunOnce(txs, senders);
        var results = new List<NethereumErc20Flow.Result>();
        for (int r = 0; r < runs; r++)
        {
            var res = await NethereumErc20Flow.RunOnceAsync(txs, senders);
            if (res.GasUsed != ours.GasUsed) throw new InvalidOperationException($"Nethereum used {res.GasUsed} gas for the block, lockstep {ours.GasUsed}");
            if (res.Root != ours.Root) throw new InvalidOperationException($"Nethereum's state root {res.Root} differs from lockstep's {ours.Root}");
            results.Add(res);
            Console.WriteLine(FormattableString.Invariant(
                $"nethereum run {r + 1}: {res.Txs} ERC20 transfers in {res.Seconds:F3} s (execute {res.ExecuteSeconds:F3} s, state root {res.RootSeconds:F3} s) = {res.TxPerSecond:F0} tx/s, {res.MgasPerSecond:F1} Mgas/s, root {res.Root}"));
            Console.WriteLine(FormattableString.Invariant(
                $"nethereum run {r + 1}: gas per transfer {(double)res.GasUsed / res.Txs:F1} (min {res.MinGas}, max {res.MaxGas}), lockstep {(double)ours.GasUsed / ours.Txs:F1}; block gas {res.GasUsed} = lockstep {ours.GasUsed}, root = lockstep's"));
        }
        var sorted = results.OrderBy(r => r.TxPerSecond).ToList();
        Console.WriteLine(FormattableString.Invariant($"nethereum median {sorted[sorted.Count / 2].TxPerSecond:F0} tx/s (best {sorted[^1].TxPerSecond:F0})"));
        return 0;
    }
}
