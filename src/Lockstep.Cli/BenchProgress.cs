using System.Diagnostics;
using System.Globalization;
using Lockstep.Workload;

namespace Lockstep.Cli;

/// <summary>
/// <c>lockstep bench</c>'s progress (issue 7): a <see cref="ConsoleProgress"/> bar per step on standard error when it
/// is a terminal, each replaced by a one-line summary when the step ends; plain lines (<see cref="LineBenchProgress"/>,
/// no carriage return or escape sequence) when standard error is redirected. Standard output carries only the report.
/// </summary>
public sealed class ConsoleBenchProgress : IBenchProgress
{
    private readonly TextWriter _terminal;

    /// <summary>Bars drawn on <paramref name="terminal"/> (a TTY).</summary>
    public ConsoleBenchProgress(TextWriter terminal) => _terminal = terminal;

    /// <summary>Bars when standard error is a terminal, plain lines otherwise.</summary>
    public static IBenchProgress ForConsole() =>
        Console.IsErrorRedirected ? new LineBenchProgress(Console.Error) : new ConsoleBenchProgress(Console.Error);

    /// <inheritdoc />
    public IBenchStage Begin(string label, long total) => new Stage(_terminal, label, total);

    private sealed class Stage : IBenchStage
    {
        private readonly TextWriter _terminal;
        private readonly string _label;
        private readonly long _total;
        private readonly ConsoleProgress _bar;
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public Stage(TextWriter terminal, string label, long total)
        {
            _terminal = terminal;
            _label = label;
            _total = total;
            _bar = new ConsoleProgress(terminal, label, total);
        }

        public void Report(long done) => _bar.Report(done);

        public void Dispose()
        {
            _bar.Dispose(); // erases the bar's line
            string count = _total > 0 ? $"{_bar.Done}/{_total}" : "done";
            lock (_terminal) _terminal.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_label}: {count} ({_clock.Elapsed.TotalSeconds:0.0} s)"));
        }
    }
}
