using System.Diagnostics;
using System.Net;
using ApiProxyGateway.Bench.Load;

namespace ApiProxyGateway.Bench.Rolling;

/// <summary>
/// Short requests at a fixed rate (open loop, as <see cref="OpenLoopRunner"/>) until stopped, counted by outcome: a
/// success, a 429 with Retry-After (what a draining replica answers and client-go retries), or a failure (any other
/// status, a reset or refused connection, a timeout), with the first few failures' reasons.
/// </summary>
internal sealed class RollingLoad(HttpClient client, Uri uri, double rate)
{
    private readonly List<Task> _inFlight = [];
    private long _sent;
    private long _succeeded;
    private long _retried;
    private long _failed;

    public long Sent => Interlocked.Read(ref _sent);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Retried => Interlocked.Read(ref _retried);

    public long Failed => Interlocked.Read(ref _failed);

    public System.Collections.Concurrent.ConcurrentQueue<string> FirstFailures { get; } = new();

    /// <summary>Sends on schedule until <paramref name="stop"/>, then waits for the requests still in flight.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var due = start + (long)(i * Stopwatch.Frequency / rate);
            if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is { Ticks: > 0 } wait)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            lock (_inFlight)
            {
                _inFlight.Add(SendAsync());
            }
        }

        Task[] all;
        lock (_inFlight)
        {
            all = [.. _inFlight];
        }

        await Task.WhenAll(all);
    }

    private async Task SendAsync()
    {
        Interlocked.Increment(ref _sent);
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _succeeded);
            }
            else if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is not null)
            {
                Interlocked.Increment(ref _retried);
            }
            else
            {
                Fail($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            // The innermost exception says what happened (a refused connection, a handshake cut, a timeout).
            var cause = e;
            while (cause.InnerException is { } inner)
            {
                cause = inner;
            }

            Fail($"{e.GetType().Name}: {e.Message}{(cause == e ? "" : $" ({cause.GetType().Name}: {cause.Message})")}");
        }
    }

    private void Fail(string reason)
    {
        Interlocked.Increment(ref _failed);
        if (FirstFailures.Count < 5)
        {
            // The wall-clock time, to read beside the sandbox's log of the roll's steps.
            FirstFailures.Enqueue($"{DateTime.Now:HH:mm:ss.f} {reason}");
        }
    }
}
