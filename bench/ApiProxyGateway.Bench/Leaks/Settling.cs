using System.Diagnostics;

namespace ApiProxyGateway.Bench.Leaks;

/// <summary>
/// Waits for a process to settle after load. Its footprint is read every second; it has settled once, over the last
/// quiet period, its descriptors (other than loaded assemblies) and its threads each stayed within <see cref="Band"/> of one another (a gateway at
/// rest still starts a timer's thread-pool thread now and then, and its pools open and close the odd upstream
/// connection) and, when a test is given, the period's floor passes it (is back near a baseline); or the limit comes.
/// The result is the floor of the last quiet period (the reading with the fewest descriptors, the fewest threads, the latest RSS): a leak raises
/// the floor, passing activity does not. RSS is read but not waited for: the garbage collector gives memory back on its
/// own schedule.
/// </summary>
internal static class Settling
{
    public const int Band = 2;

    public static async Task<SettledFootprint> WaitAsync(int pid, TimeSpan quiet, TimeSpan limit, Func<Footprint, bool>? back = null)
    {
        var started = Stopwatch.GetTimestamp();
        var window = new Queue<(long At, Footprint Footprint)>();
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = Stopwatch.GetTimestamp();
            window.Enqueue((now, Footprint.Of(pid)));
            while (Stopwatch.GetElapsedTime(window.Peek().At, now) > quiet)
            {
                window.Dequeue();
            }

            var readings = window.Select(w => w.Footprint).ToList();
            var floor = readings.MinBy(f => f.OtherDescriptors)! with { Threads = readings.Min(f => f.Threads), RssBytes = readings[^1].RssBytes }; // ! one reading at least
            var waited = Stopwatch.GetElapsedTime(started);
            var still = waited >= quiet
                && readings.Max(f => f.OtherDescriptors) - floor.OtherDescriptors <= Band
                && readings.Max(f => f.Threads) - floor.Threads <= Band;
            if (still && (back?.Invoke(floor) ?? true))
            {
                return new SettledFootprint(floor, waited, Settled: true);
            }

            if (waited >= limit)
            {
                return new SettledFootprint(floor, waited, Settled: false);
            }
        }
    }
}
