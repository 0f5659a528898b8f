using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ApiProxyGateway.Bench.Report;

/// <summary>
/// The README's chart: latency at p50, p90, p99 and p99.9 per arm (median of the rounds), one panel per request path
/// at the highest fixed rate. Drawn as SVG by hand and converted to PNG with rsvg-convert (librsvg2-bin).
/// </summary>
internal static class LatencyChart
{
    private static readonly string[] Percentiles = ["p50", "p90", "p99", "p99.9"];
    private static readonly Dictionary<string, string> Colours = new()
    {
        ["direct"] = "#7f7f7f",
        ["gateway"] = "#1f77b4",
        ["nginx"] = "#2ca02c",
        ["haproxy"] = "#d62728",
        ["aspnetcore"] = "#9467bd",
    };

    public static string WriteSvg(IReadOnlyList<Summary> summaries, double rate, string path)
    {
        var rateText = rate.ToString(CultureInfo.InvariantCulture);
        var cases = summaries.Where(s => s.Scenario == "short").Select(s => s.Case).Distinct().ToList();
        const int panelWidth = 520, height = 340, top = 50, bottom = 60, left = 60;
        var svg = new StringBuilder();
        var width = (panelWidth * cases.Count) + 20;
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" font-family="sans-serif" font-size="12">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height + 30}" fill="white"/>""");
        for (var c = 0; c < cases.Count; c++)
        {
            var x0 = (c * panelWidth) + left;
            var plotWidth = panelWidth - left - 20;
            var plotHeight = height - top - bottom;
            var values = Colours.Keys.ToDictionary(arm => arm, arm => Percentiles.Select(p => summaries.FirstOrDefault(s => s.Scenario == "short" && s.Case == cases[c] && s.Arm == arm && s.Metric == $"{p} @{rateText}/s")?.Median ?? double.NaN).ToArray());
            var max = values.Values.SelectMany(v => v).Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max() * 1.15;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x0 + (plotWidth / 2)}" y="25" text-anchor="middle" font-size="14" font-weight="bold">{cases[c]} @ {rateText} requests/s, latency (ms)</text>""");
            for (var t = 0; t <= 4; t++)
            {
                var y = top + plotHeight - (plotHeight * t / 4.0);
                svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x0}" y1="{y:F1}" x2="{x0 + plotWidth}" y2="{y:F1}" stroke="#ddd"/><text x="{x0 - 6}" y="{y + 4:F1}" text-anchor="end">{max * t / 4:F2}</text>""");
            }

            var group = plotWidth / (double)Percentiles.Length;
            var bar = (group - 16) / Colours.Count;
            for (var p = 0; p < Percentiles.Length; p++)
            {
                var gx = x0 + (p * group) + 8;
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{gx + ((group - 16) / 2):F1}" y="{top + plotHeight + 18}" text-anchor="middle">{Percentiles[p]}</text>""");
                var a = 0;
                foreach (var (arm, colour) in Colours)
                {
                    var v = values[arm][p];
                    if (!double.IsNaN(v))
                    {
                        var h = plotHeight * v / max;
                        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{gx + (a * bar):F1}" y="{top + plotHeight - h:F1}" width="{bar - 2:F1}" height="{h:F1}" fill="{colour}"/>""");
                    }

                    a++;
                }
            }

            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x0}" y1="{top + plotHeight}" x2="{x0 + plotWidth}" y2="{top + plotHeight}" stroke="black"/>""");
        }

        var lx = left;
        foreach (var (arm, colour) in Colours)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{lx}" y="{height}" width="12" height="12" fill="{colour}"/><text x="{lx + 16}" y="{height + 11}">{arm}</text>""");
            lx += 90;
        }

        svg.Append("</svg>");
        File.WriteAllText(path, svg.ToString());
        return path;
    }

    /// <summary>rsvg-convert SVG → PNG; returns false (and keeps the SVG) when the tool is missing.</summary>
    public static bool ConvertToPng(string svg, string png)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("rsvg-convert") { ArgumentList = { "-o", png, svg }, UseShellExecute = false, RedirectStandardError = true });
            process!.WaitForExit(); // ! Start returns a process or throws
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
