using System.Diagnostics;

namespace ApiProxyGateway.Bench.Measure;

/// <summary>Over one measurement: the proxy's CPU seconds, the load generator's share of its core, and the wall time.</summary>
internal sealed class Meter
{
    private readonly IReadOnlyList<int> _pids;
    private readonly double _proxyCpu;
    private readonly double _selfCpu;
    private readonly long _started;

    private Meter(IReadOnlyList<int> pids)
    {
        _pids = pids;
        _proxyCpu = ProcStat.CpuSeconds(pids);
        _selfCpu = ProcStat.SelfCpuSeconds();
        _started = Stopwatch.GetTimestamp();
    }

    public static Meter Start(IReadOnlyList<int> proxyProcesses) => new(proxyProcesses);

    /// <summary>Proxy CPU seconds, the load generator's CPU share of one core, and elapsed seconds.</summary>
    public (double ProxyCpu, double LoadGeneratorShare, double Seconds) Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var cores = Pinning.Enabled ? 1 : Pinning.MachineCores;
        return (ProcStat.CpuSeconds(_pids) - _proxyCpu, (ProcStat.SelfCpuSeconds() - _selfCpu) / seconds / cores, seconds);
    }
}
