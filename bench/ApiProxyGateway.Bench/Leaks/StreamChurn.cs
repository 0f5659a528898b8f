using System.Diagnostics;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Bench.Leaks;

/// <summary>
/// Opens and closes <c>count</c> streams, <c>concurrency</c> at a time. Each stream is one call of <c>stream</c> (its
/// own connection, upgrade, a little data and the close, as a kubectl command makes), which returns null when it worked
/// or says what went wrong; each has a minute before it counts as failed, so a stuck one never hangs the run.
/// </summary>
internal static class StreamChurn
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromMinutes(1);

    public static async Task<ChurnResult> RunAsync(int count, int concurrency, Func<int, CancellationToken, Task<string?>> stream)
    {
        var started = Stopwatch.GetTimestamp();
        int next = 0, failed = 0;
        string? firstError = null;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next) - 1) < count)
            {
                string? problem;
                using var timeout = new CancellationTokenSource(StreamTimeout);
                try
                {
                    problem = await stream(index, timeout.Token);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or SpdyProtocolException or OperationCanceledException)
                {
                    problem = $"{e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : "")}";
                }

                if (problem is not null)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, problem, null);
                }
            }
        })));
        return new ChurnResult(count - failed, failed, firstError, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
