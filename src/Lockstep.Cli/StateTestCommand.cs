using System.Text.Json;
using Lockstep.Conformance;

namespace Lockstep.Cli;

/// <summary>
/// <c>lockstep statetest PATH... [--fork Cancun]</c>: one JSON line per case, then "N passed, M failed"
///; exit code 1 when any case fails.
/// </summary>
internal static class StateTestCommand
{
    /// <summary>Thread stack for execution: 1025 nested frames must fit with room to spare.</summary>
    private const int ExecutionStackBytes = 256 * 1024 * 1024;

    public static int Run(string[] args)
    {
        string fork = "Cancun";
        bool summaryOnly = false;
        var paths = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--fork" && i + 1 < args.Length) fork = args[++i];
            else if (args[i] == "--summary") summaryOnly = true;
            else paths.Add(args[i]);
        }
        if (fork != "Cancun")
        {
            Console.Error.WriteLine($"lockstep statetest: fork '{fork}' is not implemented (only Cancun)");
            return 2;
        }
        if (paths.Count == 0)
        {
            Console.Error.WriteLine("usage: lockstep statetest PATH... [--fork Cancun] [--summary]");
            return 2;
        }

        int exit = 0;
        var thread = new Thread(() => exit = RunAll(paths, fork, summaryOnly), ExecutionStackBytes);
        thread.Start();
        thread.Join();
        return exit;
    }

    private static int RunAll(List<string> paths, string fork, bool summaryOnly)
    {
        List<string> files = StateTestRunner.ExpandPaths(paths);
        int passed = 0, failed = 0;
        using var runner = new StateTestRunner();
        using Stream stdout = Console.OpenStandardOutput();
        using var writer = new StreamWriter(stdout) { AutoFlush = false };
        foreach (string file in files)
        {
            List<CaseResult> results;
            try
            {
                results = runner.RunFile(file, fork);
            }
            catch (Exception e)
            {
                results = [new CaseResult(file, Path.GetFileName(file), fork, 0, false, "", "unreadable test file: " + e.Message)];
            }
            foreach (CaseResult r in results)
            {
                if (r.Pass) passed++;
                else failed++;
                if (summaryOnly && r.Pass) continue;
                writer.WriteLine(JsonSerializer.Serialize(new
                {
                    name = r.Name,
                    fork = r.Fork,
                    index = r.Index,
                    pass = r.Pass,
                    stateRoot = r.StateRoot,
                    error = r.Error,
                    file = r.File,
                }, JsonOptions));
            }
            writer.Flush();
        }
        writer.WriteLine($"{passed} passed, {failed} failed");
        writer.Flush();
        return failed == 0 ? 0 : 1;
    }

    // Every field on every line (error is null when the case passes), so scripts can rely on the shape.
    private static readonly JsonSerializerOptions JsonOptions = new();
}
