using System.Globalization;

namespace ApiProxyGateway.Bench.Measure;

/// <summary>CPU time, resident memory, threads and open descriptors of processes, from /proc (what <c>top</c> reads).</summary>
internal static class ProcStat
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on every Linux ABI .NET runs on

    /// <summary>utime + stime of each process in <paramref name="pids"/>, in seconds; a process that has gone counts 0.</summary>
    public static double CpuSeconds(IEnumerable<int> pids) => pids.Sum(CpuSeconds);

    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // after "(comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Seconds the threads of <paramref name="pids"/> spent runnable but waiting for a CPU (<c>/proc/PID/task/*/schedstat</c>,
    /// second field): on a pinned server core, time some other thread had it. Threads that ended meanwhile are not counted.
    /// </summary>
    public static double RunQueueWaitSeconds(IEnumerable<int> pids)
    {
        long nanoseconds = 0;
        foreach (var pid in pids)
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                    nanoseconds += fields.Length > 1 && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var wait) ? wait : 0;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return nanoseconds / 1e9;
    }

    /// <summary>VmRSS in bytes.</summary>
    public static long ResidentBytes(int pid) => StatusField(pid, "VmRSS:") * 1024;

    /// <summary>Threads of the process (the <c>Threads</c> line of /proc/PID/status).</summary>
    public static int Threads(int pid) => (int)StatusField(pid, "Threads:");

    /// <summary>
    /// What each open descriptor of the process refers to (the targets of /proc/PID/fd: <c>socket:[INODE]</c>,
    /// <c>pipe:[INODE]</c>, <c>anon_inode:[eventpoll]</c>, a file's path); one closed while being read is left out.
    /// </summary>
    public static IReadOnlyList<string> DescriptorTargets(int pid)
    {
        var targets = new List<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                targets.Add(new FileInfo(fd).LinkTarget ?? "?");
            }
            catch (IOException)
            {
            }
        }

        return targets;
    }

    /// <summary>The number that follows <paramref name="name"/> in /proc/PID/status (0 when the line is missing).</summary>
    private static long StatusField(int pid, string name)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public static long ResidentBytes(IEnumerable<int> pids) => pids.Sum(ResidentBytes);

    /// <summary>The process and every descendant (nginx's master and workers, for instance).</summary>
    public static IReadOnlyList<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }

        var result = new List<int> { root };
        for (var i = 0; i < result.Count; i++)
        {
            result.AddRange(parents.Where(p => p.Value == result[i]).Select(p => p.Key));
        }

        return result;
    }

    /// <summary>CPU time of this process (the load generator) in seconds.</summary>
    public static double SelfCpuSeconds()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }
}
