using System.Diagnostics;
using System.Globalization;

namespace Lockstep.Workload;

/// <summary>One long step of a bench run (signing, sending, waiting for receipts, waiting for L1); dispose when it ends.</summary>
public interface IBenchStage : IDisposable
{
    /// <summary>Items done so far (thread-safe; cheap enough to call per item).</summary>
    void Report(long done);
}

/// <summary>
/// Where a bench run shows its progress (issue 7: progress bars for long work). The CLI draws bars on a terminal
/// (<c>Lockstep.Cli.ConsoleProgress</c>) and plain lines otherwise (<see cref="LineBenchProgress"/>); tests pass
/// <see cref="None"/>.
/// </summary>
public interface IBenchProgress
{
    /// <summary>Starts step <paramref name="label"/> of <paramref name="total"/> items (0: unknown).</summary>
    IBenchStage Begin(string label, long total);

    /// <summary>Shows nothing.</summary>
    public static readonly IBenchProgress None = new NoProgress();

    private sealed class NoProgress : IBenchProgress, IBenchStage
    {
        public IBenchStage Begin(string label, long total) => this;
        public void Report(long done) { }
        public void Dispose() { }
    }
}

/// <summary>
/// Progress as plain lines, for logs, pipes and CI: one line when a step starts, one every <c>every</c> (10 s by
/// default) while it runs, one when it ends; only printable text and newlines (no carriage return, no escape
/// sequence), so a redirected output reads the same in a file.
/// </summary>
public sealed class LineBenchProgress : IBenchProgress
{
    private readonly TextWriter _output;
    private readonly TimeSpan _every;

    /// <summary>Lines on <paramref name="output"/>, one every <paramref name="every"/> (10 s by default) while a step runs.</summary>
    public LineBenchProgress(TextWriter output, TimeSpan? every = null)
    {
        _output = output;
        _every = every ?? TimeSpan.FromSeconds(10);
    }

    /// <inheritdoc />
    public IBenchStage Begin(string label, long total)
    {
        WriteLine(total > 0 ? $"{label}: 0/{total.ToString(CultureInfo.InvariantCulture)}" : $"{label} ...");
        return new Stage(this, label, total);
    }

    private void WriteLine(string line)
    {
        lock (_output) _output.WriteLine(line);
    }

    private sealed class Stage(LineBenchProgress owner, string label, long total) : IBenchStage
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _done;
        private long _lastLine;
        private int _disposed;

        public void Report(long done)
        {
            Interlocked.Exchange(ref _done, done);
            long now = _clock.ElapsedMilliseconds;
            long last = Interlocked.Read(ref _lastLine);
            if (now - last < owner._every.TotalMilliseconds || Interlocked.CompareExchange(ref _lastLine, now, last) != last) return;
            Write("");
        }

        private void Write(string suffix)
        {
            long done = Interlocked.Read(ref _done);
            string count = total > 0 ? $"{done}/{total}" : done.ToString(CultureInfo.InvariantCulture);
            owner.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {count} ({_clock.Elapsed.TotalSeconds:0.0} s){suffix}"));
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Write(", done");
        }
    }
}
