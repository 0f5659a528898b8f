using System.Diagnostics;
using System.Globalization;

namespace ApiProxyGateway.Bench.Measure;

/// <summary>
/// Every 100 ms during one measurement: how busy each core was, how much the hypervisor stole and how many threads
/// were runnable machine-wide (<c>/proc/stat</c>). Tells "the server core was full of other work" from "the arm stalled".
/// </summary>
internal sealed class CoreSampler : IDisposable
{
    private readonly List<(double T, double[] Busy, double[] Steal, int Running)> _points = [];
    private readonly Thread _thread;
    private readonly long _start;
    private volatile bool _stopped;

    private CoreSampler(long start)
    {
        _start = start;
        _thread = new Thread(Loop) { IsBackground = true, Name = "core-sampler" };
        _thread.Start();
    }

    public static CoreSampler Start(long start) => new(start);

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    /// <summary>The mean share of <paramref name="cpu"/> that was busy (not idle, not stolen) over the samples.</summary>
    public double MeanBusy(int cpu)
    {
        lock (_points)
        {
            var values = _points.Where(p => cpu < p.Busy.Length && !double.IsNaN(p.Busy[cpu])).Select(p => p.Busy[cpu]).ToList();
            return values.Count == 0 ? double.NaN : values.Average();
        }
    }

    /// <summary>The mean number of runnable threads machine-wide.</summary>
    public double MeanRunning
    {
        get
        {
            lock (_points)
            {
                return _points.Count == 0 ? double.NaN : _points.Average(p => p.Running);
            }
        }
    }

    public void WriteCsv(string path)
    {
        lock (_points)
        {
            string F(double[] values, int cpu) => cpu < values.Length ? values[cpu].ToString("F2", CultureInfo.InvariantCulture) : "";
            File.WriteAllLines(path, ["t_ms,cpu0_busy,cpu0_steal,cpu1_busy,cpu1_steal,procs_running", .. _points.Select(p => FormattableString.Invariant($"{p.T:F0},{F(p.Busy, 0)},{F(p.Steal, 0)},{F(p.Busy, 1)},{F(p.Steal, 1)},{p.Running}"))]);
        }
    }

    private void Loop()
    {
        var previous = Read();
        while (!_stopped)
        {
            Thread.Sleep(100);
            var now = Read();
            var t = (Stopwatch.GetTimestamp() - _start) * 1000.0 / Stopwatch.Frequency;
            double Share(int cpu, bool steal)
            {
                if (cpu >= now.Cpus.Count || cpu >= previous.Cpus.Count)
                {
                    return double.NaN;
                }

                var total = now.Cpus[cpu].Total - previous.Cpus[cpu].Total;
                var part = steal ? now.Cpus[cpu].Steal - previous.Cpus[cpu].Steal : now.Cpus[cpu].Busy - previous.Cpus[cpu].Busy;
                return total <= 0 ? double.NaN : part / (double)total;
            }

            var cpus = Enumerable.Range(0, now.Cpus.Count).ToArray();
            lock (_points)
            {
                _points.Add((t, [.. cpus.Select(c => Share(c, false))], [.. cpus.Select(c => Share(c, true))], now.Running));
            }

            previous = now;
        }
    }

    private static (List<(long Busy, long Steal, long Total)> Cpus, int Running) Read()
    {
        var cpus = new List<(long, long, long)>();
        var running = 0;
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (line.StartsWith("cpu", StringComparison.Ordinal) && line.Length > 3 && char.IsDigit(line[3]))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                // user nice system idle iowait irq softirq steal
                var idle = f[3] + f[4];
                var steal = f.Length > 7 ? f[7] : 0;
                var total = f.Take(8).Sum();
                cpus.Add((total - idle - steal, steal, total));
            }
            else if (line.StartsWith("procs_running ", StringComparison.Ordinal))
            {
                running = int.Parse(line[14..], CultureInfo.InvariantCulture);
            }
        }

        return (cpus, running);
    }
}
