using System.Globalization;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// A process's peak resident memory (VmHWM in <c>/proc/PID/status</c>), which Linux resets to the current resident
/// size when "5" is written to <c>/proc/PID/clear_refs</c>. A peak, unlike a sample, cannot miss a short burst.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Starts a new peak from the process's current resident size; returns that size in bytes.</summary>
    public static long Reset(int pid)
    {
        File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        return Read(pid);
    }

    /// <summary>The peak resident size in bytes since the process started or was last reset.</summary>
    public static long Read(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
