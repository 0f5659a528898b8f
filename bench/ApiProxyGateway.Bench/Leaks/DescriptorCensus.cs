using System.Globalization;
using ApiProxyGateway.Bench.Measure;

namespace ApiProxyGateway.Bench.Leaks;

/// <summary>
/// A process's open descriptors by kind, so that a leak says what leaks: TCP sockets by listening port, accepted port
/// or remote port (from the process's /proc/PID/net/tcp and tcp6), pipes, other sockets, anonymous inodes, and files by
/// directory.
/// </summary>
internal static class DescriptorCensus
{
    public static IReadOnlyDictionary<string, int> Take(int pid)
    {
        var tcp = TcpSockets(pid);
        var listening = tcp.Values.Where(s => s.Listening).Select(s => s.LocalPort).ToHashSet();
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var target in ProcStat.DescriptorTargets(pid))
        {
            var kind = target switch
            {
                _ when target.StartsWith("socket:[", StringComparison.Ordinal) => tcp.TryGetValue(target[8..^1], out var s)
                    ? s.Listening ? $"TCP listening on :{s.LocalPort}"
                    : listening.Contains(s.LocalPort) ? $"TCP accepted on :{s.LocalPort}"
                    : $"TCP to :{s.RemotePort}"
                    : "socket (not TCP)",
                _ when target.StartsWith("pipe:", StringComparison.Ordinal) => "pipe",
                _ when target.StartsWith("anon_inode:", StringComparison.Ordinal) => target,
                _ when target.StartsWith("/dev/", StringComparison.Ordinal) => target,
                _ => "file in " + Path.GetDirectoryName(target),
            };
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }

        return kinds;
    }

    /// <summary>What changed between two censuses, largest change first: "+3 TCP to :6443, -1 pipe" (empty when nothing did).</summary>
    public static string Difference(IReadOnlyDictionary<string, int> before, IReadOnlyDictionary<string, int> after) =>
        string.Join(", ", before.Keys.Union(after.Keys)
            .Select(k => (Kind: k, Change: after.GetValueOrDefault(k) - before.GetValueOrDefault(k)))
            .Where(c => c.Change != 0)
            .OrderByDescending(c => Math.Abs(c.Change))
            .Select(c => $"{c.Change.ToString("+0;-0", CultureInfo.InvariantCulture)} {c.Kind}"));

    /// <summary>TCP sockets in the process's network namespace by inode: local port, remote port, and whether listening.</summary>
    private static Dictionary<string, (int LocalPort, int RemotePort, bool Listening)> TcpSockets(int pid)
    {
        var sockets = new Dictionary<string, (int, int, bool)>(StringComparer.Ordinal);
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            var path = $"/proc/{pid}/net/{table}";
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (var line in File.ReadLines(path).Skip(1))
            {
                // sl local_address rem_address st … inode: addresses are HEX_IP:HEX_PORT, state 0A is LISTEN
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9)
                {
                    sockets[fields[9]] = (Port(fields[1]), Port(fields[2]), fields[3] == "0A");
                }
            }
        }

        return sockets;
    }

    private static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
