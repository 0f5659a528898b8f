using System.Globalization;

namespace ApiProxyGateway.Bench.Measure;

/// <summary>
/// The kernel's TCP counters that tell a dropped connection attempt (listen queue overflow, SYN retransmitted after
/// 1, 3, 7… s) and the CPU time the hypervisor took (steal), read from /proc directly rather than with <c>nstat</c>
/// (whose history file other users of the machine share). Machine-wide (this network namespace): other work counts too.
/// </summary>
internal sealed record KernelCounters(long ListenOverflows, long ListenDrops, long SynRetransmits, long RetransmittedSegments, long StealTicks, long ContextSwitches)
{
    public static KernelCounters Read()
    {
        var netstat = Pairs("/proc/net/netstat");
        var snmp = Pairs("/proc/net/snmp");
        long steal = 0, switches = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/stat"))
            {
                if (line.StartsWith("cpu ", StringComparison.Ordinal))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    steal = fields.Length > 8 ? long.Parse(fields[8], CultureInfo.InvariantCulture) : 0;
                }
                else if (line.StartsWith("ctxt ", StringComparison.Ordinal))
                {
                    switches = long.Parse(line[5..], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return new KernelCounters(
            netstat.GetValueOrDefault("TcpExt:ListenOverflows"),
            netstat.GetValueOrDefault("TcpExt:ListenDrops"),
            netstat.GetValueOrDefault("TcpExt:TCPSynRetrans"),
            snmp.GetValueOrDefault("Tcp:RetransSegs"),
            steal,
            switches);
    }

    public KernelCounters Since(KernelCounters before) => new(
        ListenOverflows - before.ListenOverflows,
        ListenDrops - before.ListenDrops,
        SynRetransmits - before.SynRetransmits,
        RetransmittedSegments - before.RetransmittedSegments,
        StealTicks - before.StealTicks,
        ContextSwitches - before.ContextSwitches);

    public override string ToString() =>
        FormattableString.Invariant($"listen overflows {ListenOverflows}, listen drops {ListenDrops}, SYN retransmits {SynRetransmits}, retransmitted segments {RetransmittedSegments}, steal {StealTicks * 10} ms");

    /// <summary>"Prefix:Name" → value from a /proc/net file of header/value line pairs.</summary>
    private static Dictionary<string, long> Pairs(string path)
    {
        var result = new Dictionary<string, long>();
        try
        {
            var lines = File.ReadAllLines(path);
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var values = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                for (var j = 1; j < Math.Min(names.Length, values.Length); j++)
                {
                    if (long.TryParse(values[j], CultureInfo.InvariantCulture, out var v))
                    {
                        result[names[0] + names[j]] = v;
                    }
                }
            }
        }
        catch (IOException)
        {
        }

        return result;
    }
}
