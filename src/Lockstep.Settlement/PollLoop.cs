namespace Lockstep.Settlement;

/// <summary>
/// The background loop of the batch poster, the deposit feed, the verifier and the arbiter: a round, a pause, again, until stopped. A failed
/// round is reported and the next one retries: L1 errors are usually transient, and a failed round records nothing.
/// </summary>
public static class PollLoop
{
    /// <summary>Runs <paramref name="round"/> every <paramref name="interval"/> on the thread pool until <paramref name="stop"/>.</summary>
    public static Task Start(Func<CancellationToken, Task> round, TimeSpan interval, Action<Exception> failed, CancellationToken stop) =>
        Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await round(stop).ConfigureAwait(false); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
                catch (Exception e) { failed(e); }
                try { await Task.Delay(interval, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        });
}
