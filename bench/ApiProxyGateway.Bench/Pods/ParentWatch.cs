using System.Globalization;

namespace ApiProxyGateway.Bench.Pods;

/// <summary>A pod program exits when the sandbox that started it is gone (it is re-parented), as the sandbox's own workloads do.</summary>
internal static class ParentWatch
{
    public static void Start()
    {
        var parent = ParentId();
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(1000);
                if (ParentId() != parent)
                {
                    Environment.Exit(0);
                }
            }
        })
        { IsBackground = true, Name = "parent-watch" };
        thread.Start();
    }

    private static int ParentId()
    {
        // /proc/self/stat: "pid (comm) state ppid ...": comm may hold spaces, so count from the last ')'.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}
