using System.Diagnostics;
using System.Text;

namespace Lockstep.ClientTests;

/// <summary>Runs one tests/js script with `node` and asserts it exits 0, showing its whole output otherwise.</summary>
internal static class ScriptRunner
{
    /// <summary>Each script must finish well within this (the brief allows 60 s per script).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs `node tests/js/SCRIPT ARGS...`; returns the combined output.</summary>
    public static (int ExitCode, string Output) Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Toolchain.Node)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Toolchain.ScriptsDir,
        };
        psi.ArgumentList.Add(Path.Combine(Toolchain.ScriptsDir, script));
        foreach (string a in args) psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine("stderr: " + e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            lock (output) return (-1, output + $"\n(killed after {Timeout.TotalSeconds} s)");
        }
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString());
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
    public static string Tail(string text, int chars) => text.Length <= chars ? text : "..." + text[^chars..];
}
