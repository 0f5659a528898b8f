using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Arms;

namespace ApiProxyGateway.Bench.Report;

/// <summary>Section 8 of the report (and its rows in bench/README.md): the gateway's footprint before and after streams opened and closed.</summary>
internal static class LeaksSection
{
    private static readonly (string Label, string Metric, string Tolerance)[] Figures =
    [
        ("open descriptors", "open descriptors", ""),
        ("… of them loaded assemblies", "loaded assemblies", "reported, not judged"),
        ("… the others", "descriptors other than assemblies", "+" + Driver.Run.LeakDescriptorTolerance.ToString(CultureInfo.InvariantCulture)),
        ("threads", "threads", "+" + Driver.Run.LeakThreadTolerance.ToString(CultureInfo.InvariantCulture)),
        ("RSS MiB", "RSS", "reported, not judged"),
        ("settled after s", "settled after", ""),
    ];

    public static void Write(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## 8. Nothing leaks ({s.LeakStreams} execs, then {s.LeakStreams} port-forwards, opened and closed {s.LeakConcurrency} at a time through the gateway)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"A sandbox of its own. After {s.LeakWarmUp} streams of each kind, the gateway process's open descriptors (`/proc/PID/fd`), threads and VmRSS are read every second, and the baseline is taken once descriptors other than loaded assemblies (an assembly keeps its descriptor for the life of the process once a path first needs it) and threads have each stayed within {Leaks.Settling.Band} over {s.LeakQuiet.TotalSeconds:F0} s: the fewest descriptors and threads of that period (a leak raises that floor; a timer's passing thread does not) and the latest RSS. Each exec (`echo ok`, every other one into the namespace the gateway records) and each port-forward (one byte echoed by the blob pod) is a new connection, upgrade and close, as a kubectl command makes. After each kind the gateway is read again the same way once that floor is back within tolerance of the baseline, or after {s.LeakSettleLimit.TotalSeconds:F0} s{(s.Smoke ? "" : " (past the 90 s idle timeout of its pooled API-server connections)")}, whichever comes first; a figure still above then is a leak (Problems). RSS is reported but not judged: the garbage collector returns memory on its own schedule.");
        md.AppendLine();
        Table(md, summaries);
        md.AppendLine();
        md.AppendLine("| streams | opened and closed | failed | per second | recordings written |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var kind in new[] { "exec", "port-forward" })
        {
            string F(string metric) => ReportWriter.Format(ReportWriter.Find(summaries, "leaks", kind, ArmNames.Gateway, metric));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {F("streams opened and closed")} | {F("streams failed")} | {F("streams per second")} | {(kind == "exec" ? F("recordings written") : "")} |");
        }

        md.AppendLine();
    }

    /// <summary>Baseline, after the execs and after the port-forwards, each change against the baseline.</summary>
    public static void Table(StringBuilder md, IReadOnlyList<Summary> summaries)
    {
        double? Value(string stage, string metric) => ReportWriter.Find(summaries, "leaks", stage, ArmNames.Gateway, metric) is { Median: var m } && !double.IsNaN(m) ? m : null;
        string Change(string stage, string metric) => Value(stage, metric) is { } after && Value("baseline", metric) is { } before
            ? (after - before).ToString(metric == "RSS" ? "+0.0;-0.0;0" : "+0;-0;0", CultureInfo.InvariantCulture)
            : "–";
        md.AppendLine("| gateway process | baseline | after the execs | change | after the port-forwards | change from baseline | tolerance |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (label, metric, tolerance) in Figures)
        {
            string F(string stage) => ReportWriter.Format(ReportWriter.Find(summaries, "leaks", stage, ArmNames.Gateway, metric));
            var changes = metric == "settled after" ? (" ", " ") : (Change("after exec", metric), Change("after port-forward", metric));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {F("baseline")} | {F("after exec")} | {changes.Item1} | {F("after port-forward")} | {changes.Item2} | {tolerance} |");
        }
    }

    /// <summary>The goal row: descriptors and threads back within tolerance after both kinds.</summary>
    public static void Goal(StringBuilder md, IReadOnlyList<Summary> summaries)
    {
        var opened = ReportWriter.Find(summaries, "leaks", "exec", ArmNames.Gateway, "streams opened and closed");
        double? Change(string metric) =>
            ReportWriter.Find(summaries, "leaks", "after port-forward", ArmNames.Gateway, metric) is { Median: var after } && ReportWriter.Find(summaries, "leaks", "baseline", ArmNames.Gateway, metric) is { Median: var before }
                ? after - before : null;
        var descriptors = Change("descriptors other than assemblies");
        var threads = Change("threads");
        var met = descriptors is null || threads is null ? "not measured"
            : descriptors <= Driver.Run.LeakDescriptorTolerance && threads <= Driver.Run.LeakThreadTolerance ? "yes" : "**no**";
        md.AppendLine(CultureInfo.InvariantCulture, $"| nothing leaks: descriptors (other than assemblies) and threads back at the baseline after {ReportWriter.Format(opened)} exec and as many port-forward streams | {descriptors?.ToString("+0;-0;0", CultureInfo.InvariantCulture) ?? "–"} descriptors, {threads?.ToString("+0;-0;0", CultureInfo.InvariantCulture) ?? "–"} threads | {met} |");
    }
}
