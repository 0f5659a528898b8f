using System.Net.Sockets;

namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// How a test waits: a deadline token so that no await can hang the run, a wait on a signal (a line printed, a
/// store event) or a poll for conditions that have no event of their own, and a readiness wait for servers that are
/// still starting. Each fails the test naming what it waited for instead of throwing a bare cancellation.
/// </summary>
internal static class TestWait
{
    /// <summary>How long a condition may take to come true unless a wait says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The bound on one whole operation (a kubectl run, megabytes through a stream, a server's start): there so that
    /// nothing hangs, not to time anything, and generous because CI runs every suite at once on two cores.
    /// </summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The bound on a <c>dotnet</c> build, publish or <c>run</c> from the sources: minutes on a busy two-core machine.</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    // Short at first so that in-process conditions are seen at once, then no faster than a scrape or a kubectl run deserves.
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A token that ends the test's waits after <paramref name="timeout"/> (<see cref="DefaultTimeout"/> by default) instead of letting them hang.</summary>
    public static CancellationToken Timeout(TimeSpan? timeout = null) => Deadline(timeout ?? DefaultTimeout, CancellationToken.None);

    /// <summary>A token that ends after <paramref name="timeout"/>, or when <paramref name="cancellationToken"/> or the test ends first.</summary>
    public static CancellationToken Deadline(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Not disposed: the token outlives this call, and the source is released when its timer fires or the test ends.
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, TestContext.Current.CancellationToken);
        source.CancelAfter(timeout);
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
    /// the test naming <paramref name="what"/>, and what <paramref name="state"/> says then, when <paramref name="timeout"/>
    /// or <paramref name="cancellationToken"/> ends first.
    /// </summary>
    public static Task UntilAsync(Func<CancellationToken, Task<bool>> condition, string what, TimeSpan timeout, CancellationToken cancellationToken, Func<string>? state = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WaitAsync(condition, Backoff(), what, timeout, state, cancellationToken);
    }

    /// <summary>
    /// Waits on a signal: <paramref name="changed"/> is taken before each check of <paramref name="condition"/> and gives a
    /// task that completes at the next change (so none is missed), which is awaited when the check fails. Fails the test
    /// naming <paramref name="what"/>, and what <paramref name="state"/> says then, when the time is up.
    /// </summary>
    public static Task UntilAsync(Func<bool> condition, Func<Task> changed, string what, TimeSpan timeout, CancellationToken cancellationToken, Func<string>? state = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(changed);
        Task? next = null;
        return WaitAsync(
            _ =>
            {
                next = changed();
                return Task.FromResult(condition());
            },
            token => next!.WaitAsync(token), // ! the check above has just set it
            what,
            timeout,
            state,
            cancellationToken);
    }

    /// <summary>
    /// Asks a server that may still be starting until <paramref name="probe"/> is satisfied: a refused or reset
    /// connection, or an answer slower than the probe's own client allows, means "not yet", never "failed". On timeout
    /// the test fails naming <paramref name="what"/>, the last error seen and what <paramref name="state"/> says then.
    /// </summary>
    public static Task UntilReachableAsync(Func<CancellationToken, Task<bool>> probe, string what, TimeSpan timeout, CancellationToken cancellationToken, Func<string>? state = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        string? lastError = null;
        return WaitAsync(
            async token =>
            {
                try
                {
                    return await probe(token);
                }
                catch (Exception e) when (IsNotListeningYet(e, token))
                {
                    lastError = e.Message;
                    return false;
                }
            },
            Backoff(),
            what,
            timeout,
            () => string.Join(Environment.NewLine, new[] { lastError is null ? null : $"The last attempt failed: {lastError}", state?.Invoke() }.Where(text => !string.IsNullOrEmpty(text))),
            cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="task"/> completes within <paramref name="period"/>, for the tests whose point is that time
    /// passes with nothing happening (a quiet watch stays open): there the period is what is tested, not a wait for something.
    /// </summary>
    public static async Task<bool> CompletesWithinAsync(Task task, TimeSpan period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            await task.WaitAsync(period, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The pause between polls: doubling from <see cref="FirstInterval"/> up to <see cref="LongestInterval"/>.</summary>
    private static Func<CancellationToken, Task> Backoff()
    {
        var interval = FirstInterval;
        return async token =>
        {
            await Task.Delay(interval, token);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, LongestInterval.Ticks));
        };
    }

    /// <summary>A refused or reset connection, a server that closed it before answering, or one slow attempt: a server still starting.</summary>
    private static bool IsNotListeningYet(Exception e, CancellationToken deadline) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded } => true,
        HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => true,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset } => true,
        HttpRequestException or IOException when e.InnerException is { } inner => IsNotListeningYet(inner, deadline),

        // HttpClient.Timeout ends a single slow attempt with a cancellation that is not the deadline's.
        OperationCanceledException => !deadline.IsCancellationRequested,
        _ => false,
    };

    private static async Task WaitAsync(Func<CancellationToken, Task<bool>> condition, Func<CancellationToken, Task> next, string what, TimeSpan timeout, Func<string>? state, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!await condition(deadline.Token))
            {
                await next(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // This wait's limit or the caller's deadline: either way, say what never happened.
            var then = state?.Invoke();
            Assert.Fail($"Timed out (limit {timeout}) waiting until {what}." + (string.IsNullOrEmpty(then) ? "" : Environment.NewLine + then));
        }
    }
}
