using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Lockstep.Cli;

/// <summary>What the long-running commands (<c>node</c>, <c>devnet</c>) share: flag parsing, usage errors, shutdown on signals.</summary>
internal static class CommandLine
{
    /// <summary>
    /// Parses <paramref name="args"/>; a bad flag prints the message and the usage and gives exit code 2, <c>--help</c>
    /// prints the usage and gives 0; otherwise runs <paramref name="run"/> and returns its exit code.
    /// </summary>
    public static int Run<TSettings>(string command, string usage, string[] args, Func<string[], TSettings> parse,
        Func<TSettings, bool> wantsHelp, Func<TSettings, Task<int>> run)
    {
        TSettings settings;
        try { settings = parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"lockstep {command}: {e.Message}");
            Console.Error.WriteLine(usage);
            return 2;
        }
        if (wantsHelp(settings))
        {
            Console.WriteLine(usage);
            return 0;
        }
        return run(settings).GetAwaiter().GetResult();
    }

    /// <summary>Completes on the first SIGINT (Ctrl-C) or SIGTERM, which then no longer kill the process.</summary>
    public static async Task WaitForShutdownSignalAsync()
    {
        using ShutdownSignal signal = ShutdownSignal.Register();
        await signal.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// SIGINT/SIGTERM handlers registered NOW and observed later: register before announcing readiness, because a
    /// supervisor (or a test) may send SIGTERM the moment it reads "ready", and a signal that arrives before our
    /// handler falls to the runtime's default, which waits for Main to return and so hangs the process.
    /// </summary>
    public sealed class ShutdownSignal : IDisposable
    {
        private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly PosixSignalRegistration _sigint;
        private readonly PosixSignalRegistration _sigterm;

        private ShutdownSignal()
        {
            _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; _stop.TrySetResult(); });
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; _stop.TrySetResult(); });
        }

        /// <summary>Registers the handlers; dispose to restore the defaults.</summary>
        public static ShutdownSignal Register() => new();

        /// <summary>Completes on the first SIGINT or SIGTERM received since <see cref="Register"/>.</summary>
        public Task Task => _stop.Task;

        /// <inheritdoc/>
        public void Dispose()
        {
            _sigint.Dispose();
            _sigterm.Dispose();
        }
    }

    /// <summary>An integer flag in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int ParseInt(string flag, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{flag} must be an integer in [{min}, {max}]");

    /// <summary>A positive number of seconds (fractions allowed).</summary>
    public static double ParseSeconds(string flag, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) && t > 0
            ? t
            : throw new ArgumentException($"{flag} must be a positive number of seconds");

    /// <summary>A positive chain id.</summary>
    public static ulong ParseChainId(string flag, string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong c) && c > 0
            ? c
            : throw new ArgumentException($"{flag} must be a positive integer");

    /// <summary>A listen address: an IP address or <c>localhost</c>.</summary>
    public static IPAddress ParseHost(string flag, string text) =>
        text == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(text, out IPAddress? ip) ? ip
        : throw new ArgumentException($"{flag}: '{text}' is not an IP address");

    /// <summary>A boolean option: true/false, 1/0, yes/no.</summary>
    public static bool ParseBool(string flag, string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ArgumentException($"{flag} must be true or false"),
    };

    /// <summary>A log level name (trace, debug, information/info, warning/warn, error, critical, none).</summary>
    public static Microsoft.Extensions.Logging.LogLevel ParseLogLevel(string flag, string text) => text.ToLowerInvariant() switch
    {
        "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "information" or "info" => Microsoft.Extensions.Logging.LogLevel.Information,
        "warning" or "warn" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "error" => Microsoft.Extensions.Logging.LogLevel.Error,
        "critical" => Microsoft.Extensions.Logging.LogLevel.Critical,
        "none" => Microsoft.Extensions.Logging.LogLevel.None,
        _ => throw new ArgumentException($"{flag} must be one of trace, debug, information, warning, error, critical, none"),
    };

    /// <summary>
    /// Console logs at <paramref name="level"/> and up: <c>text</c> is one line per event with a UTC timestamp,
    /// <c>json</c> one JSON object per line (timestamp, level, category, message, the structured fields) for log shippers.
    /// </summary>
    public static Microsoft.Extensions.Logging.ILoggerFactory CreateLoggerFactory(Microsoft.Extensions.Logging.LogLevel level, string format) =>
        Microsoft.Extensions.Logging.LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(level);
            if (format == "json")
                b.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
            else
                b.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        });

    /// <summary>Warns on stderr when <paramref name="host"/> is not loopback.</summary>
    public static void WarnIfExposed(IPAddress host)
    {
        if (!IPAddress.IsLoopback(host))
            Console.Error.WriteLine($"WARNING: listening on {host}: the RPC is reachable from the network");
    }
}
