using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Arms;

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
        }

        foreach (var c in ArmCases(summaries))
        {
            var ratio = Find(summaries, "streams", c, "gateway ÷ direct", "throughput ratio");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} throughput at least 80% of direct | {Format(ratio)} × | {Met(ratio, v => v >= 0.8)} |");
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
}
