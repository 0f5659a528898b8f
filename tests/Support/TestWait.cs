namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// How a test waits: a deadline token so that no await can hang the run, and a poll for conditions that have no
/// event of their own, which fails the test naming what it waited for instead of throwing a bare cancellation.
/// </summary>
internal static class TestWait
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    // Short at first so that in-process conditions are seen at once, then no faster than a scrape or a kubectl run deserves.
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A token that ends the test's waits after <paramref name="timeout"/> (20 s by default) instead of letting it hang.</summary>
    public static CancellationToken Timeout(TimeSpan? timeout = null)
    {
        // Not disposed: the token outlives this call, and the source is released when its timer fires or the test ends.
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(timeout ?? DefaultTimeout);
        return source.Token;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with "Timed out waiting until <paramref name="what"/>" if it does not in time.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(_ => Task.FromResult(condition()), what, timeout ?? DefaultTimeout, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Polls an asynchronous <paramref name="condition"/> (given a token that ends at the deadline) until it holds; fails
    /// the test naming <paramref name="what"/> when <paramref name="timeout"/> or <paramref name="cancellationToken"/> ends first.
    /// </summary>
    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var interval = FirstInterval;
        try
        {
            while (!await condition(deadline.Token))
            {
                await Task.Delay(interval, deadline.Token);
                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, LongestInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // This wait's limit or the test's own deadline: either way, say what never happened.
            Assert.Fail($"Timed out (limit {timeout}) waiting until {what}.");
        }
    }
}
