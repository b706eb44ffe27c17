using System.Diagnostics;
using Lockstep.Testing;

namespace Lockstep.ClientTests;

/// <summary>Runs one tests/js script with `node` and asserts it exits 0, showing its whole output otherwise.</summary>
internal static class ScriptRunner
{
    /// <summary>Each script must finish well within this (the brief allows 60 s per script).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs `node tests/js/SCRIPT ARGS...`; returns the combined output (exit code -1 when killed at the timeout).</summary>
    public static (int ExitCode, string Output) Run(string script, params string[] args)
    {
        (int code, string output, bool timedOut) = ExternalTools.RunScript(Toolchain.Node, Toolchain.ScriptsDir, script, Timeout, args);
        return timedOut ? (-1, output + $"\n(killed after {Timeout.TotalSeconds} s)") : (code, output);
    }

    /// <summary>Runs a script against <paramref name="node"/> and fails the test with both outputs unless it exits 0.</summary>
    public static string AssertPasses(NodeProcess node, string script, params string[] args)
    {
        var sw = Stopwatch.StartNew();
        (int code, string output) = Run(script, args);
        if (code != 0)
            Assert.Fail($"{script} against {node.Kind} ({node.Url}) exited with {code} after {sw.Elapsed.TotalSeconds:F1} s\n" +
                $"--- script output ---\n{output}\n--- {node.Kind} output (last 4000 chars) ---\n{Tail(node.Output, 4000)}");
        return output;
    }

    /// <summary>The last <paramref name="chars"/> characters of <paramref name="text"/>.</summary>
    public static string Tail(string text, int chars) => ExternalTools.Tail(text, chars);
}
