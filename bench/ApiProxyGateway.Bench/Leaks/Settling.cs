using System.Diagnostics;

namespace ApiProxyGateway.Bench.Leaks;

/// <summary>
/// Waits for a process to settle after load: its footprint is read every second until its descriptors and threads have
/// not changed for a quiet period and, when a test is given, pass it (are back near a baseline), or until a limit.
/// RSS is read but not waited for: the garbage collector gives memory back on its own schedule.
/// </summary>
internal static class Settling
{
    public static async Task<SettledFootprint> WaitAsync(int pid, TimeSpan quiet, TimeSpan limit, Func<Footprint, bool>? back = null)
    {
        var started = Stopwatch.GetTimestamp();
        var last = Footprint.Of(pid);
        var unchangedSince = started;
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = Footprint.Of(pid);
            if (now.Descriptors != last.Descriptors || now.Threads != last.Threads)
            {
                unchangedSince = Stopwatch.GetTimestamp();
            }

            last = now;
            var waited = Stopwatch.GetElapsedTime(started);
            if (Stopwatch.GetElapsedTime(unchangedSince) >= quiet && (back?.Invoke(now) ?? true))
            {
                return new SettledFootprint(now, waited, Settled: true);
            }

            if (waited >= limit)
            {
                return new SettledFootprint(now, waited, Settled: false);
            }
        }
    }
}
