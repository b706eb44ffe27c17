using System.Diagnostics;
using System.Text;

namespace Lockstep.Testing;

/// <summary>
/// The external programs the process-level tests drive (`node` with tools/node_modules, the built lockstep CLI) and
/// how a node script is run. Nothing is built or installed here: a missing program is a test failure with a message
/// saying how to get it (scripts/test.sh installs tools/node_modules and builds the CLI).
/// </summary>
internal static class ExternalTools
{
    private static string? s_node;

    /// <summary>
    /// The built CLI: LOCKSTEP_CLI_DLL if set (a build elsewhere, e.g. of one commit), else
    /// src/Lockstep.Cli/bin/{Release,Debug}/net10.0/lockstep.dll, the newest of those that exist
    /// (the test script builds Release; a developer's `dotnet build` makes Debug).
    /// </summary>
    public static string LockstepDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("LOCKSTEP_CLI_DLL") is { Length: > 0 } env)
                return Require(env, "LOCKSTEP_CLI_DLL names no file");
            string? best = null;
            foreach (string config in new[] { "Release", "Debug" })
            {
                string candidate = Path.Combine(RepoPaths.Root, "src", "Lockstep.Cli", "bin", config, "net10.0", "lockstep.dll");
                if (File.Exists(candidate) && (best == null || File.GetLastWriteTimeUtc(candidate) > File.GetLastWriteTimeUtc(best)))
                    best = candidate;
            }
            if (best == null)
                Assert.Fail("lockstep.dll not found under src/Lockstep.Cli/bin/{Release,Debug}/net10.0: build it first " +
                    "(`dotnet build src/Lockstep.Cli -c Release`)");
            return best!;
        }
    }

    /// <summary>
    /// `node` from PATH, checked once together with tools/node_modules/ethers; <paramref name="purpose"/> finishes the
    /// message shown when node is missing.
    /// </summary>
    public static string Node(string purpose)
    {
        s_node ??= FindNode(purpose);
        return s_node;
    }

    private static string FindNode(string purpose)
    {
        Require(Path.Combine(RepoPaths.Root, "tools", "node_modules", "ethers", "package.json"),
            "tools/node_modules/ethers is missing: run `cd tools && npm ci`");
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) Assert.Fail("`node --version` failed: install Node.js 20 or newer");
            return "node";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"`node` is not on PATH: install Node.js 20 or newer ({purpose})");
            throw;
        }
    }

    /// <summary><paramref name="path"/> when the file exists; otherwise fails the test with <paramref name="message"/>.</summary>
    public static string Require(string path, string message)
    {
        if (!File.Exists(path)) Assert.Fail(message + " (looked for " + path + ")");
        return path;
    }

    /// <summary>
    /// Runs `<paramref name="node"/> <paramref name="scriptsDir"/>/<paramref name="script"/> ARGS...` in that folder,
    /// killing it after <paramref name="timeout"/>; returns its exit code (meaningless when timed out) and its stdout
    /// and stderr (stderr lines prefixed) in arrival order.
    /// </summary>
    public static (int ExitCode, string Output, bool TimedOut) RunScript(string node, string scriptsDir, string script, TimeSpan timeout, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(node) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = scriptsDir };
        psi.ArgumentList.Add(Path.Combine(scriptsDir, script));
        foreach (string a in args) psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine("stderr: " + e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        bool exited = p.WaitForExit(timeout);
        if (!exited) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        lock (output) return (exited ? p.ExitCode : -1, output.ToString(), !exited);
    }

    /// <summary>The last <paramref name="chars"/> characters of <paramref name="text"/>.</summary>
    public static string Tail(string text, int chars) => text.Length <= chars ? text : "..." + text[^chars..];
}
