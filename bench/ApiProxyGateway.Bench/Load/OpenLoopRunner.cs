using System.Diagnostics;

namespace ApiProxyGateway.Bench.Load;

/// <summary>
/// Open-loop load: request i is due at start + i / rate whatever happened to the others, and its latency is counted
/// from that intended time (not from when it was actually sent), so a stalled server shows its full cost instead of
/// slowing the load down (no coordinated omission). A dedicated thread keeps the schedule with nanosleep.
/// </summary>
internal static class OpenLoopRunner
{
    public static async Task<LatencyRecorder> RunAsync(HttpClient client, Uri uri, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder();
        var total = (long)(rate * duration.TotalSeconds);
        var inFlight = new List<Task>((int)Math.Min(total, 1_000_000));
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100; // 10 ms to get going
        var scheduler = new Thread(() =>
        {
            for (long i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
            {
                var due = start + (long)(i * Stopwatch.Frequency / rate);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    PreciseSleep.Microseconds(wait * 1_000_000 / Stopwatch.Frequency);
                }

                var task = SendAsync(client, uri, due, recorder, cancellationToken);
                lock (inFlight)
                {
                    inFlight.Add(task);
                }
            }
        })
        { IsBackground = true, Name = "open-loop", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await Task.Run(scheduler.Join, cancellationToken);
        Task[] all;
        lock (inFlight)
        {
            all = [.. inFlight];
        }

        await Task.WhenAll(all);
        return recorder;
    }

    public static async Task SendAsync(HttpClient client, Uri uri, long intended, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(Stream.Null, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                recorder.Error($"HTTP {(int)response.StatusCode} from {uri}");
                return;
            }

            recorder.Record((Stopwatch.GetTimestamp() - intended) * 1_000_000 / Stopwatch.Frequency);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            recorder.Error($"{e.GetType().Name}: {e.Message}");
        }
    }
}
