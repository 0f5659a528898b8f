using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench.Report;

internal static partial class ReportWriter
{
    /// <summary>The goals we hold ourselves to, each with its figure and whether it was met (recorded, not asserted).</summary>
    private static void Goals(StringBuilder md, IReadOnlyList<Summary> summaries, string top)
    {
        md.AppendLine("## Goals (recorded, not asserted)");
        md.AppendLine();
        md.AppendLine("| goal | figure (median [range]) | met |");
        md.AppendLine("|---|---|---|");
        foreach (var c in Cases(summaries, "short"))
        {
            var added = Find(summaries, "short", c, ArmNames.Gateway, $"added p99 @{top}/s");
            md.AppendLine(CultureInfo.InvariantCulture, $"| added p99 at {top}/s under 1 ms ({c}) | {WithUnit(added, " ms")} | {Met(added, v => v < 1)} |");
            foreach (var other in new[] { "nginx", "haproxy" })
            {
                var ratio = Find(summaries, "short", c, $"gateway ÷ {other}", "saturation ratio");
                md.AppendLine(CultureInfo.InvariantCulture, $"| saturation at least {other}'s ({c}) | {Format(ratio)} × | {Met(ratio, v => v >= 1)} |");
            }

            // Issue 16: pods/proxy at least 0.8 times nginx's and HAProxy's saturation (get pod: the row above, nginx's),
            // and at most 0.05 CPU s per 1,000 requests at saturation on both paths.
            if (c.StartsWith("pods/proxy", StringComparison.Ordinal))
            {
                foreach (var other in new[] { "nginx", "haproxy" })
                {
                    var ratio = Find(summaries, "short", c, $"gateway ÷ {other}", "saturation ratio");
                    md.AppendLine(CultureInfo.InvariantCulture, $"| saturation at least 0.8 times {other}'s (issue 16, {c}) | {Format(ratio)} × | {Met(ratio, v => v >= 0.8)} |");
                }
            }

            var cpu = Find(summaries, "short", c, ArmNames.Gateway, "CPU per 1000 requests @saturation");
            md.AppendLine(CultureInfo.InvariantCulture, $"| at most 0.05 proxy CPU s per 1000 requests at saturation (issue 16, {c}) | {Format(cpu)} s | {Met(cpu, v => v <= 0.05)} |");
        }

        foreach (var c in ArmCases(summaries))
        {
            var ratio = Find(summaries, "streams", c, "gateway ÷ direct", "throughput ratio");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} throughput at least 80% of direct | {Format(ratio)} × | {Met(ratio, v => v >= 0.8)} |");
            if (c is "port-forward" or StreamCases.ExecStdout)
            {
                // Issue 16: port-forward and exec at least HAProxy's throughput, at most its relay CPU per GB (medians).
                var (mine, theirs) = (Find(summaries, "streams", c, ArmNames.Gateway, "throughput"), Find(summaries, "streams", c, ArmNames.Haproxy, "throughput"));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c} throughput at least HAProxy's (issue 16) | {Format(mine)} against {Format(theirs)} MB/s | {Versus(mine, theirs, (a, b) => a >= b)} |");
                (mine, theirs) = (Find(summaries, "streams", c, ArmNames.Gateway, "CPU per GB"), Find(summaries, "streams", c, ArmNames.Haproxy, "CPU per GB"));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c} relay CPU per GB at most HAProxy's (issue 16) | {Format(mine)} against {Format(theirs)} s | {Versus(mine, theirs, (a, b) => a <= b)} |");
            }
        }

        foreach (var c in Cases(summaries, "idle"))
        {
            var memory = Find(summaries, "idle", c, ArmNames.Gateway, "memory per stream");
            md.AppendLine(CultureInfo.InvariantCulture, $"| at most 128 KiB per idle {c} | {Format(memory)} KiB | {Met(memory, v => v <= 128)} |");
            var (goal, held) = (c == "port-forward" ? 96 : 64, Find(summaries, "idle", c, ArmNames.Gateway, "streams open"));
            md.AppendLine(CultureInfo.InvariantCulture, $"| at most {goal} KiB per idle {c} with 10000 held (issue 16; {Format(held)} held) | {Format(memory)} KiB | {(held is { Median: < 10000 } ? "not measured at 10000" : Met(memory, v => v <= goal))} |");
        }

        if (Cases(summaries, "leaks").Any())
        {
            LeaksSection.Goal(md, summaries);
        }

        var handshakes = Find(summaries, "handshakes", Cases(summaries, "handshakes").FirstOrDefault() ?? "", "gateway ÷ direct", "handshakes ratio");
        md.AppendLine(CultureInfo.InvariantCulture, $"| handshakes/s at least 90% of the upstream alone | {Format(handshakes)} × | {Met(handshakes, v => v >= 0.9)} |");
        md.AppendLine();
    }

    /// <summary>Whether the gateway's median stands to another arm's as <paramref name="goal"/> asks; not measured when either has none.</summary>
    private static string Versus(Summary? mine, Summary? theirs, Func<double, double, bool> goal) =>
        mine is null || theirs is null || double.IsNaN(mine.Median) || double.IsNaN(theirs.Median) ? "not measured" : goal(mine.Median, theirs.Median) ? "yes" : "**no**";
}
