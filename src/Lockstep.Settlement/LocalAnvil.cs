using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Lockstep.Settlement;

/// <summary>
/// Starts a local anvil (an independent L1 for tests and the side-by-side benchmarks) on loopback with Cancun rules and
/// waits until it listens. The one launch loop behind the test projects' launcher and <c>lockstep bench</c>'s anvil.
/// </summary>
public static partial class LocalAnvil
{
    /// <summary>
    /// <paramref name="binary"/> on 127.0.0.1:<paramref name="port"/> (0: a free port, read back from its "Listening on"
    /// line) with <paramref name="extraArgs"/>; its output is drained so that it never blocks on a full pipe.
    /// </summary>
    public static (Process Process, Uri Url) Start(string binary, int port, params string[] extraArgs)
    {
        Process process = Process.Start(new ProcessStartInfo(binary, ["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--hardfork", "cancun", .. extraArgs])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("anvil did not start");
        // A loaded machine starts processes slowly; the deadline only bounds a hang.
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            string? line = process.StandardOutput.ReadLine();
            if (line is null || DateTime.UtcNow > deadline)
            {
                Stop(process);
                throw new InvalidOperationException("anvil exited before listening");
            }
            Match m = Listening().Match(line);
            if (!m.Success) continue;
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
            return (process, new Uri("http://" + m.Groups[1].Value));
        }
    }

    /// <summary>Kills anvil (its state is gone unless dumped), waits for it to exit and releases the process.</summary>
    public static void Stop(Process process)
    {
        try { if (!process.HasExited) process.Kill(); } catch (InvalidOperationException) { }
        process.WaitForExit(5000);
        process.Dispose();
    }

    [GeneratedRegex(@"Listening on (127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
