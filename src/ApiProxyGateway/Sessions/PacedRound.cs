namespace ApiProxyGateway.Sessions;

/// <summary>
/// Runs an action for each item of a round, spread evenly over a window (item i starts no earlier than
/// window × i / count) with a bounded number in flight: a round of thousands of SubjectAccessReviews reaches the API
/// server as a steady trickle, not as a burst at the tick. Items due within <see cref="Slack"/> of each other start
/// together, so a large round costs a timer every few milliseconds, not one per item.
/// </summary>
internal static class PacedRound
{
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns once every started action has finished; the first failure (or the cancellation) is rethrown then.</summary>
    public static async Task RunAsync<T>(IReadOnlyList<T> items, TimeSpan window, int parallelism, TimeProvider timeProvider, Func<T, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var started = timeProvider.GetTimestamp();
        using var slots = new SemaphoreSlim(parallelism);
        var running = new List<Task>(items.Count);
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                var wait = window * ((double)i / items.Count) - timeProvider.GetElapsedTime(started);
                if (wait >= Slack)
                {
                    await Task.Delay(wait, timeProvider, cancellationToken);
                }

                await slots.WaitAsync(cancellationToken);
                running.Add(RunOneAsync(items[i]));
            }
        }
        finally
        {
            // The actions already started finish (and give their slots back) before the slots go away.
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(running);

        async Task RunOneAsync(T item)
        {
            try
            {
                await action(item, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
