using ApiProxyGateway.Bench.Measure;

namespace ApiProxyGateway.Bench.Leaks;

/// <summary>
/// What a process holds at one moment: open descriptors (and how many of them are loaded assemblies), threads and
/// resident memory. An assembly, once loaded, keeps its descriptor for the life of the process (the runtime loads some
/// only when a path first needs them, an error path for instance): that is bounded, so leaks are judged on
/// <see cref="OtherDescriptors"/>.
/// </summary>
internal sealed record Footprint(int Descriptors, int Assemblies, int Threads, long RssBytes)
{
    public int OtherDescriptors => Descriptors - Assemblies;

    public double RssMebibytes => RssBytes / 1048576.0;

    public static Footprint Of(int pid)
    {
        var targets = ProcStat.DescriptorTargets(pid);
        return new(targets.Count, targets.Count(t => t.EndsWith(".dll", StringComparison.Ordinal)), ProcStat.Threads(pid), ProcStat.ResidentBytes(pid));
    }

    public override string ToString() => $"{Descriptors} descriptors ({Assemblies} of them assemblies), {Threads} threads, RSS {RssMebibytes:F1} MiB";
}
