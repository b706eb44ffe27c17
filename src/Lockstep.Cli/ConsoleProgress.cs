using System.Diagnostics;
using System.Globalization;

namespace Lockstep.Cli;

/// <summary>
/// A one-line progress display on the console for long work (the devnet's first start with its L1 deployment,
/// catch-up, <c>lockstep bench</c>): a bar with a count and a rate when the total is known, a spinner with the elapsed
/// time when it is not. Redrawn in place with a carriage return at most every 100 ms, erased when disposed. Off (draws
/// nothing at all) when standard output is redirected, so logs, pipes and tests see only the real output.
/// </summary>
public sealed class ConsoleProgress : IDisposable
{
    private static readonly char[] Spinner = ['|', '/', '-', '\\'];
    private readonly TextWriter? _out;
    private readonly string _label;
    private readonly long _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly Timer? _timer;
    private long _done;
    private long _lastDraw = long.MinValue;
    private int _frame;
    private int _width;
    private bool _disposed;

    /// <summary>
    /// A display of <paramref name="label"/> on <paramref name="output"/> (null: off); <paramref name="total"/> 0 means
    /// unknown (spinner, redrawn by a timer every 250 ms).
    /// </summary>
    public ConsoleProgress(TextWriter? output, string label, long total)
    {
        _out = output;
        _label = label;
        _total = total;
        Draw(force: true);
        if (_out is not null && total <= 0) _timer = new Timer(_ => Draw(force: true), null, 250, 250);
    }

    /// <summary>A bar for <paramref name="total"/> items on the console, or an inert one when stdout is redirected.</summary>
    public static ConsoleProgress Start(string label, long total) => new(Console.IsOutputRedirected ? null : Console.Out, label, total);

    /// <summary>A spinner with the elapsed time on the console, or an inert one when stdout is redirected.</summary>
    public static ConsoleProgress Indeterminate(string label) => Start(label, 0);

    /// <summary>Whether anything is drawn.</summary>
    public bool Enabled => _out is not null;

    /// <summary>Items done so far.</summary>
    public long Done => Interlocked.Read(ref _done);

    /// <summary>Sets the number of items done (thread-safe; draws at most every 100 ms).</summary>
    public void Report(long done)
    {
        Interlocked.Exchange(ref _done, done);
        Draw(force: false);
    }

    /// <summary>Adds <paramref name="items"/> to the items done.</summary>
    public void Advance(long items = 1)
    {
        Interlocked.Add(ref _done, items);
        Draw(force: false);
    }

    /// <summary>The line as it would be drawn now (without the carriage return).</summary>
    public string Render()
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        long done = Done;
        if (_total <= 0)
            return string.Create(CultureInfo.InvariantCulture, $"{Spinner[_frame++ % Spinner.Length]} {_label} ({seconds:F0} s)");
        const int width = 30;
        long shown = Math.Clamp(done, 0, _total);
        int filled = (int)(width * shown / _total);
        double rate = seconds > 0 ? done / seconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{_label} [{new string('#', filled)}{new string('.', width - filled)}] {shown}/{_total} ({100.0 * shown / _total:F0}%, {rate:F0}/s, {seconds:F0} s)");
    }

    private void Draw(bool force)
    {
        if (_out is null) return;
        long now = _clock.ElapsedMilliseconds;
        lock (_lock)
        {
            if (_disposed || (!force && now - _lastDraw < 100)) return;
            _lastDraw = now;
            string line = Render();
            // Pad over a longer previous line; \r returns to its start.
            _out.Write("\r" + line.PadRight(_width));
            _width = line.Length;
            _out.Flush();
        }
    }

    /// <summary>Erases the line (the next output starts on a clean line).</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        if (_out is null) return;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _out.Write("\r" + new string(' ', _width) + "\r");
            _out.Flush();
        }
    }
}
