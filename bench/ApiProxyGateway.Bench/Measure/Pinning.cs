using System.Diagnostics;
using System.Globalization;

namespace ApiProxyGateway.Bench.Measure;

/// <summary>
/// Core assignment. With two or more cores, everything that serves (the sandbox's upstreams, the gateway, nginx,
/// HAProxy) runs on core 0 and the load generator on core 1, so a proxy never competes with its own load.
/// </summary>
internal static class Pinning
{
    public static bool Enabled => MachineCores >= 2 && File.Exists("/usr/bin/taskset");

    /// <summary>
    /// The machine's cores. Not <see cref="Environment.ProcessorCount"/>: bench/run starts the harness on core 1 with
    /// taskset, and ProcessorCount counts only the cores a process may run on.
    /// </summary>
    public static int MachineCores { get; } =
        File.Exists("/proc/cpuinfo") ? Math.Max(1, File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal))) : Environment.ProcessorCount;

    public const string ServerCores = "0";
    public const string ClientCores = "1";

    /// <summary>Prefixes a command line with taskset when pinning is on.</summary>
    public static ProcessStartInfo Start(string cores, string program, IEnumerable<string> arguments)
    {
        var start = Enabled ? new ProcessStartInfo("taskset") { ArgumentList = { "-c", cores, program } } : new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.UseShellExecute = false;
        return start;
    }

    /// <summary><c>taskset -a -cp CORES PID</c>: every thread of a running process.</summary>
    public static void Pin(int pid, string cores)
    {
        if (!Enabled)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo("taskset") { ArgumentList = { "-a", "-cp", cores, pid.ToString(CultureInfo.InvariantCulture) }, RedirectStandardOutput = true, UseShellExecute = false });
        process?.WaitForExit();
    }

    /// <summary>The current affinity list of a process as taskset prints it (for the report).</summary>
    public static string Affinity(int pid)
    {
        using var process = Process.Start(new ProcessStartInfo("taskset") { ArgumentList = { "-cp", pid.ToString(CultureInfo.InvariantCulture) }, RedirectStandardOutput = true, UseShellExecute = false });
        var text = process?.StandardOutput.ReadToEnd() ?? "";
        process?.WaitForExit();
        return text.Trim().Split(':').LastOrDefault()?.Trim() ?? "?";
    }
}
