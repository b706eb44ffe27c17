using System.Text.Json;
using Lockstep.Testing;

namespace Lockstep.Devnet.Tests;

/// <summary>
/// `lockstep demo` (issue 7) against a `lockstep devnet` child process: the seed's scenario passes by devnet.json and
/// by one RPC URL, fails (exit 1, a FAIL line) when a step cannot hold, and says so when no devnet answers.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lockstep-demo-").FullName;

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The step titles the demo narrates (DemoScenario.RunAsync): a step silently missing would otherwise pass.</summary>
    public static readonly string[] Steps =
    [
        "0. The rollup set", "1. Bridge 1000 LST from rollup-a to rollup-b", "2. Bridge 0.5 ETH from rollup-a to rollup-b",
        "3. A failing mint excludes its burn", "4. A cross-rollup call from rollup-a to rollup-b", "5. The roots on L1",
    ];

    /// <summary>Runs `lockstep demo ARGS` with the built CLI; returns its exit code and output.</summary>
    internal static (int Code, string Output) RunDemo(string lockstepDll, params string[] args)
    {
        TimeSpan timeout = TimeSpan.FromMinutes(4);
        (int code, string output, bool timedOut) = ExternalTools.RunScript("dotnet", RepoPaths.Root, lockstepDll, timeout, ["demo", .. args]);
        Assert.False(timedOut, $"lockstep demo still running after {timeout.TotalMinutes} min\n{output}");
        return (code, output);
    }

    /// <summary>Asserts a passing run: exit 0, every step narrated, every check "ok", the summary line.</summary>
    internal static void AssertPassed(int code, string output, string context)
    {
        Assert.True(code == 0, $"lockstep demo exited {code}\n--- demo ---\n{output}\n--- devnet ---\n{context}");
        foreach (string step in Steps) Assert.Contains(step, output);
        Assert.DoesNotContain("FAIL", output);
        Assert.Matches(@"demo passed: \d+ checks held", output);
        // The narrated facts a newcomer reads: the rejection reason and the L1 roots.
        Assert.Contains("failed: MintPaused()", output);
        Assert.Matches(@"rollup-a: the root on L1 is the rollup's state root", output);
    }

    [Fact]
    public void Demo_PassesByDescriptionFile_AndAgainByRpcUrl()
    {
        using DevnetProcess devnet = DevnetProcess.Start(2, Path.Combine(_dir, "data"));
        (int code, string output) = RunDemo(Toolchain.LockstepDll, "--devnet", devnet.DescriptionPath);
        AssertPassed(code, output, devnet.Output);
        // The devnet logged what happened (Devnet.Logging.cs): the rejected bundle with its reason, the superbatches.
        Assert.Contains("failed: MintPaused()", devnet.Output);
        Assert.Matches(@"superbatch \d+ posted: superblocks \d+-\d+, L1 transaction 0x", devnet.Output);

        // The same scenario again, found from one rollup URL (lockstep_rollups + lockstep_l1, keys from the mnemonic):
        // it starts from the balances the first run left, so it also shows the demo does not assume a fresh devnet.
        using JsonDocument desc = JsonDocument.Parse(File.ReadAllText(devnet.DescriptionPath));
        string rpc = desc.RootElement.GetProperty("rollups")[0].GetProperty("rpc").GetString()!;
        (code, output) = RunDemo(Toolchain.LockstepDll, "--rpc", rpc);
        AssertPassed(code, output, devnet.Output);
        Assert.Contains("before: 999,000 LST on rollup-a, 1,000 LST on rollup-b", output);
        Assert.Equal(0, devnet.Terminate(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Demo_WithoutL1_FailsTheL1StepWithExitCode1()
    {
        using DevnetProcess devnet = DevnetProcess.Start(2, Path.Combine(_dir, "nol1"), "--no-l1");
        (int code, string output) = RunDemo(Toolchain.LockstepDll, "--devnet", devnet.DescriptionPath, "--timeout", "10");
        Assert.True(code == 1, $"exit code {code}\n{output}");
        Assert.Contains("FAIL  step stopped: this devnet runs without an L1", output);
        Assert.Matches(@"demo FAILED: 1 of \d+ checks failed", output);
        // The rollup steps still ran and held.
        Assert.Contains("ok    lockstep_getMessageStatus says rejected", output);
    }

    [Fact]
    public void Demo_NoDevnetListening_ExitCode1AndSaysHowToStartOne()
    {
        // Port 9 (discard) has no JSON-RPC server on a test machine.
        (int code, string output) = RunDemo(Toolchain.LockstepDll, "--rpc", "http://127.0.0.1:9");
        Assert.Equal(1, code);
        Assert.Contains("cannot reach the devnet (http://127.0.0.1:9)", output);
        Assert.Contains("-- devnet", output);
    }

    [Fact]
    public void Demo_BadFlag_ExitCode2WithUsage()
    {
        (int code, string output) = RunDemo(Toolchain.LockstepDll, "--devnet", "x.json", "--rpc", "http://127.0.0.1:9545");
        Assert.Equal(2, code);
        Assert.Contains("--devnet and --rpc exclude each other", output);
        Assert.Contains("usage: lockstep demo", output);
    }
}
