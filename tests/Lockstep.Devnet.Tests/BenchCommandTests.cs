using System.Diagnostics;
using Lockstep.Cli;
using Lockstep.Testing;

namespace Lockstep.Devnet.Tests;

/// <summary>
/// `lockstep bench` progress (issue 7: progress bars for long work): bars only on a terminal, plain lines when the
/// output is redirected (a file, a pipe, CI), so a log never holds carriage returns or escape sequences.
/// </summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Redirected_bench_prints_plain_progress_lines_without_control_characters()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root,
        };
        psi.ArgumentList.Add(Toolchain.LockstepDll);
        foreach (string a in new[] { "bench", "--rollups", "2", "--txs", "40", "--senders", "2", "--adversaries", "1", "--concurrency", "2", "--l1", "none", "--timeout", "120" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4)))
        {
            try { await p.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail("lockstep bench did not finish within 4 minutes: " + ExternalTools.Tail(await stderr, 2000));
            }
        }
        string output = await stdout, log = await stderr;
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}\n{output}\n{log}");

        // 40 transactions at 10% failing: 36 honest ones are signed, sent and received; 4 failing ones are signed.
        Assert.Contains("signing: 40/40", log);
        Assert.Contains("sending: 36/36", log);
        Assert.Contains("waiting for receipts: 36/36", log);
        Assert.Contains("invariants at height", output); // the report on stdout, the progress on stderr
        Assert.DoesNotContain("sending:", output);
        foreach (string text in new[] { output, log })
            foreach (char c in text)
                Assert.True(c == '\n' || !char.IsControl(c), $"control character U+{(int)c:X4} in redirected output:\n{text}");
    }

    [Fact]
    public void On_a_terminal_each_step_is_a_bar_redrawn_in_place_then_one_summary_line()
    {
        var terminal = new StringWriter();
        var progress = new ConsoleBenchProgress(terminal);
        using (Lockstep.Workload.IBenchStage stage = progress.Begin("sending", 10)) stage.Report(10);
        string drawn = terminal.ToString();
        Assert.StartsWith("\rsending [", drawn); // the bar, redrawn with a carriage return
        string[] lines = drawn.Split('\n');
        Assert.Matches(@"\rsending: 10/10 \(\d+\.\d s\)$", lines[^2]); // erased, then the summary on a clean line
        Assert.Equal("", lines[^1]);
    }
}
