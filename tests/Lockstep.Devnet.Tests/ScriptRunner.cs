using System.Diagnostics;
using System.Text;

namespace Lockstep.Devnet.Tests;

/// <summary>Runs a tests/js/devnet script with `node` and fails the test with its output (and the devnet's) unless it exits 0.</summary>
internal static class ScriptRunner
{
    /// <summary>Upper bound for one script; the e2e script takes a few seconds on an idle machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs `node tests/js/devnet/SCRIPT ARGS...` and asserts exit code 0; returns the output.</summary>
    public static string AssertPasses(DevnetProcess devnet, string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Toolchain.Node) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Toolchain.ScriptsDir };
        psi.ArgumentList.Add(Path.Combine(Toolchain.ScriptsDir, script));
        foreach (string a in args) psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine("stderr: " + e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        bool exited = p.WaitForExit(Timeout);
        if (!exited) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        string text;
        lock (output) text = output.ToString();
        if (!exited || p.ExitCode != 0)
            Assert.Fail($"{script} {(exited ? $"exited with {p.ExitCode}" : $"killed after {Timeout.TotalSeconds} s")}\n--- script output ---\n{text}" +
                $"\n--- devnet output (last 4000 chars) ---\n{Tail(devnet.Output, 4000)}");
        return text;
    }

    private static string Tail(string s, int n) => s.Length <= n ? s : "..." + s[^n..];
}
