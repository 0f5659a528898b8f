using System.Diagnostics;

namespace ApiProxyGateway.Bench.Measure;

/// <summary>
/// Waits before an open-loop measurement until everything that serves (the sandbox with its pods and gateway, nginx,
/// HAProxy) has gone quiet: an arm that fell behind leaves work on the server core (handshakes of the connections its
/// proxies opened, requests still queued upstream), and the next arm measured into that inherits its stall.
/// </summary>
internal static class ServerSettle
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    /// <summary>Quiet: the server processes together used under this share of a core over <see cref="Window"/>.</summary>
    private const double QuietShare = 0.15;

    /// <summary>Returns whether they went quiet within <paramref name="limit"/>, how long that took, and their last share of a core.</summary>
    public static async Task<(bool Settled, TimeSpan Waited, double Share)> WaitAsync(IReadOnlyList<int> serverProcesses, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        var share = double.NaN;
        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            var before = ProcStat.CpuSeconds(serverProcesses);
            var windowStart = Stopwatch.GetTimestamp();
            await Task.Delay(Window);
            share = (ProcStat.CpuSeconds(serverProcesses) - before) / Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
            if (share < QuietShare)
            {
                return (true, Stopwatch.GetElapsedTime(started), share);
            }
        }

        return (false, Stopwatch.GetElapsedTime(started), share);
    }
}
