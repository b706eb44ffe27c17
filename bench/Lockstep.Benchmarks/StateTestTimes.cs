using System.Diagnostics;
using System.Globalization;
using Lockstep.Conformance;

namespace Lockstep.Benchmarks;

/// <summary>
/// <c>... -- statetest-times PATH... [--top 20]</c>: runs every GeneralStateTests file under the paths in one process
/// and prints the files that took the most process CPU time (issue 2: "no test transaction that takes more than a few
/// seconds"), to pick the cases <c>bench/statetest-cases.sh</c> then times one process per case.
/// </summary>
public static class StateTestTimes
{
    /// <summary>Runs the files on a thread with a large stack (1025 nested frames), prints the slowest.</summary>
    public static int Run(string[] args)
    {
        int top = 20;
        var paths = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--top" && i + 1 < args.Length) top = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else paths.Add(args[i]);
        }
        var times = new List<(string File, double Cpu, double Wall, int Cases, int Failed)>();
        var thread = new Thread(() =>
        {
            using var runner = new StateTestRunner();
            using Process self = Process.GetCurrentProcess();
            foreach (string file in StateTestRunner.ExpandPaths(paths))
            {
                self.Refresh();
                TimeSpan cpu0 = self.TotalProcessorTime;
                long t0 = Stopwatch.GetTimestamp();
                List<CaseResult> results = runner.RunFile(file);
                double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                self.Refresh();
                int failed = 0;
                foreach (CaseResult r in results) if (!r.Pass) failed++;
                times.Add((file, (self.TotalProcessorTime - cpu0).TotalSeconds, wall, results.Count, failed));
            }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        times.Sort((a, b) => b.Cpu.CompareTo(a.Cpu));
        double total = 0;
        int failedTotal = 0;
        foreach (var t in times) { total += t.Cpu; failedTotal += t.Failed; }
        Console.WriteLine(FormattableString.Invariant($"{times.Count} files, {total:F1} s CPU, {failedTotal} failed cases; slowest:"));
        for (int i = 0; i < Math.Min(top, times.Count); i++)
        {
            var t = times[i];
            Console.WriteLine(FormattableString.Invariant($"{t.Cpu,8:F2} s cpu {t.Wall,8:F2} s wall {t.Cases,5} cases {t.Failed} failed  {t.File}"));
        }
        return failedTotal == 0 ? 0 : 1;
    }
}
