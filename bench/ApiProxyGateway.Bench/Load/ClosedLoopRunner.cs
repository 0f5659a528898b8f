using System.Diagnostics;

namespace ApiProxyGateway.Bench.Load;

/// <summary>Saturation: a fixed number of requests always in flight for a while; the completion rate is the throughput.</summary>
internal static class ClosedLoopRunner
{
    public static async Task<(double PerSecond, LatencyRecorder Latency)> RunAsync(HttpClient client, Uri uri, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder();
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        async Task WorkerAsync()
        {
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                await OpenLoopRunner.SendAsync(client, uri, Stopwatch.GetTimestamp(), recorder, cancellationToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync, cancellationToken)));
        var seconds = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
        return (recorder.Count / seconds, recorder);
    }
}
