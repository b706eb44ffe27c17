using Lockstep.Testing;

namespace Lockstep.Devnet.Tests;

/// <summary>Runs a tests/js/devnet script with `node` and fails the test with its output (and the devnet's) unless it exits 0.</summary>
internal static class ScriptRunner
{
    /// <summary>Upper bound for one script; the e2e script takes a few seconds on an idle machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs `node tests/js/devnet/SCRIPT ARGS...` and asserts exit code 0; returns the output.</summary>
    public static string AssertPasses(DevnetProcess devnet, string script, params string[] args)
    {
        (int code, string text, bool timedOut) = ExternalTools.RunScript(Toolchain.Node, Toolchain.ScriptsDir, script, Timeout, args);
        if (timedOut || code != 0)
            Assert.Fail($"{script} {(timedOut ? $"killed after {Timeout.TotalSeconds} s" : $"exited with {code}")}\n--- script output ---\n{text}" +
                $"\n--- devnet output (last 4000 chars) ---\n{ExternalTools.Tail(devnet.Output, 4000)}");
        return text;
    }
}
