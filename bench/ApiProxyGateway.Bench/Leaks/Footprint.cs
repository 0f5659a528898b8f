using ApiProxyGateway.Bench.Measure;

namespace ApiProxyGateway.Bench.Leaks;

/// <summary>What a process holds at one moment: open descriptors, threads and resident memory.</summary>
internal sealed record Footprint(int Descriptors, int Threads, long RssBytes)
{
    public static Footprint Of(int pid) => new(ProcStat.OpenDescriptors(pid), ProcStat.Threads(pid), ProcStat.ResidentBytes(pid));

    public double RssMebibytes => RssBytes / 1048576.0;

    public override string ToString() => $"{Descriptors} descriptors, {Threads} threads, RSS {RssMebibytes:F1} MiB";
}
