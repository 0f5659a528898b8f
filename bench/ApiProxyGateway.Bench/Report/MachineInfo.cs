using System.Globalization;
using System.Runtime.InteropServices;

namespace ApiProxyGateway.Bench.Report;

/// <summary>The machine the figures come from, and how busy it was.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Kernel, string DotNet, string Nginx, string Haproxy, string LoadBefore)
{
    public string LoadAfter { get; set; } = "";

    public string Pinning { get; set; } = "";

    public static MachineInfo Collect(string nginxVersion, string haproxyVersion) => new(
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?",
        Measure.Pinning.MachineCores,
        $"{long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0:F1} GiB",
        File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "?" : RuntimeInformation.OSDescription,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        nginxVersion,
        haproxyVersion,
        Load());

    public static string Load() => File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Aggregate((a, b) => a + " " + b);
}
