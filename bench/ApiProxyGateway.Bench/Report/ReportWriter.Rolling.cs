using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Arms;

namespace ApiProxyGateway.Bench.Report;

internal static partial class ReportWriter
{
    private static readonly string[] RollingRequests = ["get pod", "pods/proxy 1 KiB"];
    private static readonly string[] RollingStreams = ["watch", "logs -f", "exec", "port-forward"];

    /// <summary>Section 6: requests failed and retried, how each kind of stream ended, and each replica's drain.</summary>
    private static void Rolling(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s)
    {
        Summary? F(string c, string metric) => Find(summaries, "rolling", c, ArmNames.Gateway, metric);
        string N(string c, string metric) => F(c, metric) is { Median: var median, Min: var min, Max: var max } && !double.IsNaN(median)
            ? min == max ? median.ToString("0", CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{median:0} [{min:0}–{max:0}]")
            : "–";
        md.AppendLine(CultureInfo.InvariantCulture, $"## 7. Rolling restart (2 replicas behind HAProxy in TCP mode; {s.RollingStreams} kubectl stream(s) of each kind open; short requests at {s.RollingRate.ToString(CultureInfo.InvariantCulture)}/s of each kind; {s.RollingRounds} roll(s))");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Each round starts a sandbox with two gateway replicas behind HAProxy (`--gateway-replicas 2`: TCP mode, each replica health-checked on its `/readyz`, `leastconn`), opens the streams with the real kubectl, runs the short requests over HTTP/2 through the balancer, and rolls the replicas as a Deployment with `maxSurge: 1, maxUnavailable: 0` does: a new replica starts and enters rotation, then the old one gets SIGTERM. The replicas run with `{string.Join(' ', s.RollingShutdown)}`. A request counts as failed on any answer but success or a 429 with Retry-After (which client-go retries), or on a reset, refused or timed-out connection. A stream ended with the **reason** when kubectl printed the gateway's \"the gateway is shutting down\"; with an **error** when kubectl reported a failure in its own words (exit code not 0); **silently** when it exited 0 as if the stream had come to its end.");
        md.AppendLine();
        md.AppendLine("| short requests | sent | failed | retried (429) |");
        md.AppendLine("|---|---|---|---|");
        foreach (var c in RollingRequests)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {N(c, "requests")} | {N(c, "failed")} | {N(c, "retried (429)")} |");
        }

        md.AppendLine();
        md.AppendLine("| stream (kubectl) | open | ended with the reason | with an error only | silently | never ended |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var c in RollingStreams)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {N(c, "streams")} | {N(c, "ended: reason")} | {N(c, "ended: error")} | {N(c, "ended: silent")} | {N(c, "ended: open")} |");
        }

        md.AppendLine();
        md.AppendLine("| replica replaced (in order) | replacement in rotation after s | old one out of rotation after s | drained and exited after s |");
        md.AppendLine("|---|---|---|---|");
        foreach (var c in Cases(summaries, "rolling").Where(c => c.StartsWith("replica ", StringComparison.Ordinal)))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c[8..]} | {Format(F(c, "replacement ready after"))} | {Format(F(c, "out of rotation after"))} | {Format(F(c, "drained and exited after"))} |");
        }
        md.AppendLine();
    }
}
