using System.Globalization;
using System.Text;
using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// Which log lines a request gets and how they are written, as the kubelet's ReadLogs does: <c>tailLines</c> first
/// (counted from the end), then lines older than <c>since</c> are skipped; <c>timestamps</c> prefixes each line with
/// its receive time (RFC 3339 with nine fraction digits); <c>limitBytes</c> cuts the output, mid-line if need be.
/// </summary>
internal static class LogSelection
{
    public static IEnumerable<LogLine> Initial(IReadOnlyList<LogLine> lines, LogOptions options, DateTimeOffset now)
    {
        var start = options.TailLines is { } tail ? (int)Math.Max(0, lines.Count - Math.Min(tail, lines.Count)) : 0;
        return Since(lines.Skip(start), options, now);
    }

    public static IEnumerable<LogLine> Since(IEnumerable<LogLine> lines, LogOptions options, DateTimeOffset now)
    {
        var since = options.Since(now);
        return since is { } earliest ? lines.Where(l => l.Time >= earliest) : lines;
    }

    public static byte[] Format(LogLine line, bool timestamps)
    {
        if (!timestamps)
        {
            return line.Content.ToArray();
        }

        var prefix = Encoding.ASCII.GetBytes(Timestamp(line.Time) + " ");
        return [.. prefix, .. line.Content.Span];
    }

    /// <summary>Go's <c>2006-01-02T15:04:05.000000000Z07:00</c> in UTC (.NET keeps 100 ns, so the last two digits are 0).</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'00Z'", CultureInfo.InvariantCulture);
}
