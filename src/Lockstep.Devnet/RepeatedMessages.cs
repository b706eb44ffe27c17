namespace Lockstep.Devnet;

/// <summary>
/// Collapses a message repeated in a loop (the batch poster retries every half second, so an L1 that keeps refusing,
/// e.g. after the sequencer was slashed, would print the same warning twice a second forever): the first occurrence
/// passes, the same text again within <see cref="Window"/> is counted, not passed; the next one after the window (or a
/// different text) passes with the count of what was held back. Thread-safe.
/// </summary>
public sealed class RepeatedMessages(TimeSpan window, Func<DateTime>? clock = null)
{
    private readonly Func<DateTime> _clock = clock ?? (() => DateTime.UtcNow);
    private readonly Lock _lock = new();
    private string? _last;
    private DateTime _lastPassed;
    private int _held;

    /// <summary>How long the same text is held back after it passed.</summary>
    public TimeSpan Window { get; } = window;

    /// <summary>
    /// True when <paramref name="message"/> should be written now; <paramref name="heldBack"/> is how many copies of the
    /// previous text were held back since it last passed (0 when none: write it as it is).
    /// </summary>
    public bool ShouldWrite(string message, out int heldBack)
    {
        lock (_lock)
        {
            DateTime now = _clock();
            if (message == _last && now - _lastPassed < Window)
            {
                _held++;
                heldBack = 0;
                return false;
            }
            heldBack = _held;
            _held = 0;
            _last = message;
            _lastPassed = now;
            return true;
        }
    }
}
