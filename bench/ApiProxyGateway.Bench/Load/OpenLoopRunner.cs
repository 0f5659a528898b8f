using System.Diagnostics;

namespace ApiProxyGateway.Bench.Load;

/// <summary>
/// Open-loop load: request i is due at start + i / rate whatever happened to the others, and its latency is counted
/// from that intended time (not from when it was actually sent), so a stalled server shows its full cost instead of
/// slowing the load down (no coordinated omission). A dedicated thread keeps the schedule with nanosleep. Every
/// request's due, sent and answered times are kept (<see cref="RequestTimeline"/>) so that a stall is seen as one.
/// At most <c>maxInFlight</c> requests are outstanding: a request due while that many are is not sent and is counted
/// (<see cref="RequestOutcome.NotSent"/>), so an arm that falls far behind ends the round flagged instead of piling up
/// thousands of requests (and the load generator's GC pauses with them).
/// </summary>
internal static class OpenLoopRunner
{
    public static async Task<OpenLoopResult> RunAsync(HttpClient client, Uri uri, double rate, TimeSpan duration, CancellationToken cancellationToken, int maxInFlight = int.MaxValue)
    {
        var recorder = new LatencyRecorder();
        var total = (long)(rate * duration.TotalSeconds);
        var inFlight = new List<Task>((int)Math.Min(total, 1_000_000));
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100; // 10 ms to get going
        var timeline = new RequestTimeline(total, start);
        var connections = Clients.ConnectionsOpened;
        var slowConnects = Clients.SlowConnects;
        var gcPause = GC.GetTotalPauseDuration();
        var outstanding = 0L;
        var scheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new Thread(() =>
        {
            try
            {
                Schedule();
            }
            finally
            {
                scheduled.SetResult();
            }
        })
        { IsBackground = true, Name = "open-loop", Priority = ThreadPriority.AboveNormal };
        void Schedule()
        {
            for (long i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
            {
                var due = start + (long)(i * Stopwatch.Frequency / rate);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    PreciseSleep.Microseconds(wait * 1_000_000 / Stopwatch.Frequency);
                }

                timeline.Due[i] = due;
                timeline.Sent[i] = Stopwatch.GetTimestamp();
                if (Interlocked.Read(ref outstanding) >= maxInFlight)
                {
                    timeline.Outcome[i] = RequestOutcome.NotSent;
                    continue;
                }

                Interlocked.Increment(ref outstanding);
                var task = TrackAsync(SendAsync(client, uri, due, recorder, timeline, i, cancellationToken));
                lock (inFlight)
                {
                    inFlight.Add(task);
                }
            }
        }

        async Task TrackAsync(Task send)
        {
            try
            {
                await send;
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }

        scheduler.Start();

        // Awaited, not joined: the load generator runs pinned to one core, where the thread pool starts with one worker.
        // A worker blocked in Thread.Join for the whole round left the answers queued until the pool's starvation check
        // added a thread (every 500 ms), and whenever hill climbing took the pool back to its minimum: the 600-700 ms
        // stalls every arm showed, the direct one too.
        await scheduled.Task;
        Task[] all;
        lock (inFlight)
        {
            all = [.. inFlight];
        }

        await Task.WhenAll(all);
        return new OpenLoopResult(recorder, timeline, rate, Clients.ConnectionsOpened - connections, Clients.SlowConnects - slowConnects, (GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds);
    }

    public static Task SendAsync(HttpClient client, Uri uri, long intended, LatencyRecorder recorder, CancellationToken cancellationToken) =>
        SendAsync(client, uri, intended, recorder, null, 0, cancellationToken);

    private static async Task SendAsync(HttpClient client, Uri uri, long intended, LatencyRecorder recorder, RequestTimeline? timeline, long index, CancellationToken cancellationToken)
    {
        var outcome = RequestOutcome.Failed;
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

            outcome = RequestOutcome.Succeeded;
            recorder.Record((Stopwatch.GetTimestamp() - intended) * 1_000_000 / Stopwatch.Frequency);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            recorder.Error($"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (timeline is not null)
            {
                timeline.Done[index] = Stopwatch.GetTimestamp();
                timeline.Outcome[index] = outcome;
            }
        }
    }
}

/// <summary>One open-loop measurement: the latencies, every request's times, and what the load generator saw of connections and its own GC.</summary>
internal sealed record OpenLoopResult(LatencyRecorder Latency, RequestTimeline Timeline, double Rate, long ConnectionsOpened, long SlowConnects, double GcPauseMilliseconds);
