using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Arms;

namespace ApiProxyGateway.Bench.Report;

/// <summary>Section 6 of the report (and its row block in bench/README.md): re-authorizing open streams.</summary>
internal static class ReauthorizationSection
{
    public static void Write(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## 6. Re-authorizing open streams (followed logs held open, `--stream-reauthorization-interval` {s.ReauthorizationInterval.TotalSeconds:F0} s, {s.ReauthorizationIntervals} intervals watched per mix)");
        md.AppendLine();
        md.AppendLine("A sandbox of its own: one node, pods that print one line and sleep, users in a group a ClusterRoleBinding lets read pods and their logs. Each mix's streams are opened (HTTP/2, one client per user) and proved open, a whole round passes over them, then each interval is a round of the figures below: SubjectAccessReviews counted by the gateway (each one POST to the API server), their peak over about a second (readings every 0.5 s), how long a round took (`apiproxygateway_sessions_reauthorization_duration_seconds`), and CPU time of the gateway and of the sandbox process (simulated API server and kubelet; both on the server core). No stream may end: each is still allowed.");
        md.AppendLine();
        Table(md, summaries);
        md.AppendLine();
    }

    /// <summary>One row per mix.</summary>
    public static void Table(StringBuilder md, IReadOnlyList<Summary> summaries)
    {
        md.AppendLine("| mix | SubjectAccessReviews per interval | peak per s | round s | gateway CPU s per interval | gateway peak CPU (share of a core) | sandbox CPU s per interval | streams ended |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var c in summaries.Where(x => x.Scenario == "reauth").Select(x => x.Case).Distinct())
        {
            string F(string metric) => ReportWriter.Format(ReportWriter.Find(summaries, "reauth", c, ArmNames.Gateway, metric));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {F("SubjectAccessReviews per interval")} | {F("peak SubjectAccessReviews/s")} | {F("round duration")} | {F("gateway CPU per interval")} | {F("gateway peak CPU")} | {F("sandbox CPU per interval")} | {F("streams ended during the watch")} |");
        }
    }
}
