using System.Globalization;
using System.Text;
using System.Text.Json;
using ApiProxyGateway.Bench.Arms;
using ApiProxyGateway.Bench.Load;
using ApiProxyGateway.Bench.Streams;

namespace ApiProxyGateway.Bench.Report;

/// <summary>
/// Writes a run's Markdown report, its raw data (JSON) and the latency chart; a full run also refreshes the table and
/// chart in bench/README.md (between its <c>latest</c> markers). A smoke run writes under results/tmp only; a run of
/// some scenarios only (<c>--only</c>) names them in its files and leaves bench/README.md alone.
/// </summary>
internal static partial class ReportWriter
{
    private const string Begin = "<!-- latest:begin -->";
    private const string End = "<!-- latest:end -->";

    /// <summary>The scenarios <see cref="Goals"/> has a goal for.</summary>
    private static readonly string[] GoalScenarios = ["short", "streams", "idle", "handshakes", "leaks"];

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static (string Markdown, string Json, string Chart) Write(Driver.Run run, string output, DateTime started)
    {
        var stamp = started.ToString("yyyy-MM-dd-HHmm", CultureInfo.InvariantCulture);
        var directory = run.Settings.Smoke ? Path.Combine(output, "tmp") : output;
        Directory.CreateDirectory(directory);
        var name = stamp + (run.Settings.Partial ? "-" + string.Join('-', run.Settings.Scenarios) : "") + (run.Settings.Smoke ? "-smoke" : "");
        var derived = Comparisons.Derive(run.Samples);
        var summaries = Summary.Of([.. run.Samples, .. derived]);
        var json = Path.Combine(directory, name + ".json");
        File.WriteAllText(json, JsonSerializer.Serialize(new { run.Machine, run.Settings.Smoke, run.Settings.Rounds, run.Settings.Scenarios, run.Notes, run.Problems, run.Stalls, Summaries = summaries, Samples = run.Samples, Derived = derived }, JsonOptions));
        var chart = "";
        if (run.Settings.Runs("short"))
        {
            var svg = LatencyChart.WriteSvg(summaries, run.Settings.Rates[^1], Path.Combine(directory, name + "-latency.svg"));
            var png = Path.ChangeExtension(svg, ".png");
            chart = LatencyChart.ConvertToPng(svg, png) ? png : svg;
        }

        var markdown = Path.Combine(directory, name + ".md");
        File.WriteAllText(markdown, Markdown(run, summaries, started, Path.GetFileName(chart), Path.GetFileName(json)));
        if (!run.Settings.Smoke && !run.Settings.Partial)
        {
            UpdateReadme(run, summaries, chart, Path.GetFileName(markdown));
        }

        return (markdown, json, chart);
    }

    private static string Markdown(Driver.Run run, IReadOnlyList<Summary> summaries, DateTime started, string chart, string json)
    {
        var m = run.Machine;
        var s = run.Settings;
        var top = s.Rates[^1].ToString(CultureInfo.InvariantCulture);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# ApiProxyGateway benchmark, {started:yyyy-MM-dd HH:mm} UTC{(s.Partial ? $" ({string.Join(", ", s.Scenarios)} only)" : "")}{(s.Smoke ? " (smoke run: the figures only show the paths work)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Raw data: [{json}]({json}). Every figure is the median over {s.Rounds} rounds with the range [min–max]; arms were interleaved in rotating order after a warm-up; every comparison (added latency, ratios) is taken within a round and then summarised.");
        md.AppendLine();
        md.AppendLine("## Machine and conditions");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU | {m.Cpu}, {m.Cores} cores |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Memory | {m.Memory} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| OS | {m.Os} ({m.Kernel}) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| .NET | {m.DotNet} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| nginx / HAProxy | {m.Nginx} / {m.Haproxy} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Pinning | {m.Pinning} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Load average (1, 5, 15 min) | before {m.LoadBefore}, after {m.LoadAfter}{(Busy(m) ? " — **other work was running on the machine during this run**" : "")} |");
        foreach (var note in run.Notes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| Note | {note} |");
        }

        md.AppendLine();
        md.AppendLine("Arms: **direct** (the client straight to the upstream: the web pod's HTTPS port, the simulated API server, the kubelet), **gateway**, **nginx** and **HAProxy** (one worker each, pinned like the gateway, requiring and verifying the client certificate against the cluster CA and re-originating verified TLS with the gateway's client certificate for that upstream, keep-alive upstream, logging off), and for streams **apiserver** (the simulated API server's own kubelet path, the kube-apiserver baseline). nginx and HAProxy do the TLS work only: they cannot do the gateway's Kubernetes authorization (SubjectAccessReview, pod-to-kubelet resolution, node identity checks, impersonation headers built from the verified certificate with groups and credential id); on the API path they copy the certificate's CN and first O into Impersonate-User/Group. The gateway runs with console logging at Warning and its audit log to /dev/null (the proxies log nothing).");
        md.AppendLine();
        if (GoalScenarios.Any(s.Runs))
        {
            Goals(md, summaries, top);
        }

        if (s.Runs("short"))
        {
            ShortRequests(md, summaries, s, chart);
        }

        if (s.Runs("streams") || s.Runs("kubectl"))
        {
            Streams(md, summaries, s);
        }

        if (s.Runs("idle"))
        {
            Idle(md, summaries, s);
        }

        if (s.Runs("handshakes"))
        {
            Handshakes(md, run, summaries);
        }

        if (s.Runs("tunnel"))
        {
            Tunnel(md, summaries, s);
        }

        if (s.Runs("reauth"))
        {
            ReauthorizationSection.Write(md, summaries, s);
        }

        if (s.Runs("rolling"))
        {
            Rolling(md, summaries, s);
        }

        if (s.Runs("leaks"))
        {
            LeaksSection.Write(md, summaries, s);
        }

        md.AppendLine("## Problems");
        md.AppendLine();
        md.AppendLine(run.Problems.Count == 0 ? "None: every request succeeded, every transfer matched its SHA-256, every idle stream proved open." : string.Join('\n', run.Problems.Select(p => "- " + p)));
        if (run.Stalls.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Flagged open-loop rounds ({run.Stalls.Count}), kept in the raw data and left out of every median and comparison: *stalled* is no answer for {StallAnalysis.StallThreshold.TotalMilliseconds:F0} ms or more while requests were outstanding; *over saturation* is under {StallAnalysis.SustainedShare:P0} of the requests answered by the time the last was due (plus {StallAnalysis.StallThreshold.TotalMilliseconds:F0} ms), or requests not sent because a second's worth were already in flight; *load generator behind* is a request sent {StallAnalysis.StallThreshold.TotalMilliseconds:F0} ms or more after it was due. The cause named is what the kernel's TCP counters, the cores' use and the load generator's own counters showed during the round.");
            md.AppendLine();
            md.AppendLine(string.Join('\n', run.Stalls.Select(p => "- " + p)));
        }

        return md.ToString();
    }

    private static void ShortRequests(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s, string chart)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## 1. Short requests (HTTP/2, one reused connection, open-loop at fixed rates; latency from the intended send time)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"![latency percentiles per arm]({chart})");
        md.AppendLine();
        md.AppendLine("| path | rate | arm | p50 ms | p99 ms | p99.9 ms | added p50 | added p99 | added p99.9 | proxy CPU s / 1000 req | longest gap ms | rounds left out |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in Cases(summaries, "short"))
        {
            foreach (var rate in s.Rates.Select(r => r.ToString(CultureInfo.InvariantCulture)))
            {
                foreach (var arm in new[] { ArmNames.Direct, ArmNames.Gateway, ArmNames.AspNetCore, ArmNames.Nginx, ArmNames.Haproxy })
                {
                    string F(string metric) => Format(Find(summaries, "short", c, arm, metric));
                    var p99 = Find(summaries, "short", c, arm, $"p99 @{rate}/s");
                    var leftOut = p99 is null ? "" : string.Join(", ", new[] { p99.Discarded > 0 ? $"{p99.Discarded} load-generator bound" : null, p99.Flagged > 0 ? $"{p99.Flagged} {p99.Flag}" : null }.OfType<string>());
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {rate}/s | {arm} | {F($"p50 @{rate}/s")} | {F($"p99 @{rate}/s")} | {F($"p99.9 @{rate}/s")} | {F($"added p50 @{rate}/s")} | {F($"added p99 @{rate}/s")} | {F($"added p99.9 @{rate}/s")} | {F($"CPU per 1000 requests @{rate}/s")} | {F($"longest gap @{rate}/s")} | {(leftOut == "" ? "0" : leftOut)} |");
                }
            }
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Saturation ({s.SaturationConcurrency} requests in flight, closed loop):");
        md.AppendLine();
        md.AppendLine("| path | arm | requests/s | proxy CPU s / 1000 req | load generator share of its core | gateway ÷ nginx | gateway ÷ HAProxy | gateway ÷ aspnetcore |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var c in Cases(summaries, "short"))
        {
            foreach (var arm in new[] { ArmNames.Direct, ArmNames.Gateway, ArmNames.AspNetCore, ArmNames.Nginx, ArmNames.Haproxy })
            {
                var ratios = arm == ArmNames.Gateway
                    ? $"{Format(Find(summaries, "short", c, "gateway ÷ nginx", "saturation ratio"))} | {Format(Find(summaries, "short", c, "gateway ÷ haproxy", "saturation ratio"))} | {Format(Find(summaries, "short", c, "gateway ÷ aspnetcore", "saturation ratio"))}"
                    : " | | ";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {arm} | {Format(Find(summaries, "short", c, arm, "saturation"))} | {Format(Find(summaries, "short", c, arm, "CPU per 1000 requests @saturation"))} | {Format(Find(summaries, "short", c, arm, "load generator CPU @saturation"))} | {ratios} |");
            }
        }

        md.AppendLine();
    }

    private static void Streams(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## 2. Stream throughput (native SPDY clients; {s.StreamBytes / 1048576} MiB per port-forward and exec, {s.LogReads} × {s.LogLines * (long)s.LogWidth / 1e6:F1} MB log reads; SHA-256 checked)");
        md.AppendLine();
        md.AppendLine("| stream | arm | MB/s | ÷ direct | proxy CPU s / GB |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var c in ArmCases(summaries))
        {
            foreach (var arm in new[] { ArmNames.Direct, ArmNames.Gateway, ArmNames.ApiServer, ArmNames.Nginx, ArmNames.Haproxy })
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {arm} | {Format(Find(summaries, "streams", c, arm, "throughput"))} | {Format(Find(summaries, "streams", c, $"{arm} ÷ direct", "throughput ratio"))} | {Format(Find(summaries, "streams", c, arm, "CPU per GB"))} |");
            }
        }

        md.AppendLine();
        RecordingSection.Write(md, summaries, s);
        md.AppendLine(CultureInfo.InvariantCulture, $"Through the real kubectl ({s.KubectlStreamBytes / 1048576} MiB per port-forward and exec; exec includes kubectl's and the command's start-up; kubectl 1.33 speaks WebSocket v5 for exec, which the gateway and the API server translate to the kubelet's SPDY):");
        md.AppendLine();
        md.AppendLine("| stream (kubectl) | through the gateway MB/s | through the API server MB/s |");
        md.AppendLine("|---|---|---|");
        foreach (var c in Cases(summaries, "kubectl"))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {Format(Find(summaries, "kubectl", c, ArmNames.Gateway, "throughput"))} | {Format(Find(summaries, "kubectl", c, ArmNames.ApiServer, "throughput"))} |");
        }

        md.AppendLine();
    }

    private static void Idle(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## 3. Idle streams held open through the gateway (levels {string.Join(", ", s.IdleLevels)}; {(s.Smoke ? "same gateway" : "a fresh gateway each round")}; logs first, then port-forwards on top)");
        md.AppendLine();
        md.AppendLine("| stream | memory per stream KiB (slope of VmRSS) | open | proved open | " + string.Join(" | ", s.IdleLevels.Prepend(0).Select(l => $"RSS MiB @{l}")) + " |");
        md.AppendLine("|---|---|---|---|" + string.Concat(s.IdleLevels.Prepend(0).Select(_ => "---|")));
        foreach (var c in Cases(summaries, "idle"))
        {
            var rss = summaries.Where(x => x.Scenario == "idle" && x.Case == c && x.Metric.StartsWith("RSS @", StringComparison.Ordinal)).OrderBy(x => int.Parse(x.Metric[5..], CultureInfo.InvariantCulture)).Select(Format);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {Format(Find(summaries, "idle", c, ArmNames.Gateway, "memory per stream"))} | {Format(Find(summaries, "idle", c, ArmNames.Gateway, "streams open"))} | {Format(Find(summaries, "idle", c, ArmNames.Gateway, "streams proved open"))} | {string.Join(" | ", rss)} |");
        }

        md.AppendLine();
    }

    private static void Handshakes(StringBuilder md, Driver.Run run, IReadOnlyList<Summary> summaries)
    {
        md.AppendLine("## 4. New connections (a full mTLS handshake per request, no resumption, GET /version)");
        md.AppendLine();
        md.AppendLine("| arm | handshakes/s | ÷ upstream alone (direct) | load generator share of its core | TLS |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var arm in new[] { ArmNames.Direct, ArmNames.Gateway, ArmNames.AspNetCore, ArmNames.Nginx, ArmNames.Haproxy })
        {
            var c = Cases(summaries, "handshakes").FirstOrDefault() ?? "";
            var tls = run.Samples.FirstOrDefault(x => x.Scenario == "handshakes" && x.Arm == arm && x.Note is not null)?.Note ?? "";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {arm} | {Format(Find(summaries, "handshakes", c, arm, "handshakes"))} | {Format(Find(summaries, "handshakes", c, $"{arm} ÷ direct", "handshakes ratio"))} | {Format(Find(summaries, "handshakes", c, arm, "load generator CPU"))} | {tls} |");
        }

        md.AppendLine();
    }

    private static void Tunnel(StringBuilder md, IReadOnlyList<Summary> summaries, BenchSettings s)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## 5. Through the Konnectivity tunnel ({s.TunnelStreamBytes / 1048576} MiB per port-forward and exec, SHA-256 checked; pods/proxy open-loop at {s.TunnelRate.ToString(CultureInfo.InvariantCulture)}/s; {s.StreamOpens} port-forwards opened one after another)");
        md.AppendLine();
        md.AppendLine("Two more sandboxes put their node behind a konnectivity-agent, with the kubelet and the pods in a network namespace of their own, and start their gateway with an `--egress-selector-config-file`: **gateway+grpc** reaches the kubelet and the pods through konnectivity-server with GRPC over its Unix domain socket, **gateway+http-connect** with HTTP CONNECT over the same socket. TLS to the kubelet and the pod stays end to end, inside the tunnel. The baseline is **gateway**, the ordinary sandbox's gateway dialling directly, measured in the same rounds: the direct arm cannot reach a pod inside the namespace, so what the tunnel costs is taken against the gateway, not against direct. konnectivity-server and the agents are the sandbox's simulation (.NET, in the sandbox's process on the server core), not apiserver-network-proxy's: the figures are the gateway's tunnel clients and that simulation together. A port-forward open is a new connection and mTLS handshake to the gateway, the upgrade (authorization, the dial to the kubelet through the tunnel and the kubelet's handshake), a forwarded connection to the pod and one byte there and back." + (s.Smoke ? " A smoke run leaves the baseline out." : ""));
        md.AppendLine();
        TunnelTable(md, summaries, s.TunnelRate);
        md.AppendLine();
    }

    /// <summary>
    /// Section 5's figures, one row each (the report's and bench/README.md's): the gateway dialling directly, then each
    /// tunnel with its throughput as a ratio to the gateway's or the latency it adds, both taken within a round.
    /// </summary>
    private static void TunnelTable(StringBuilder md, IReadOnlyList<Summary> summaries, double rate)
    {
        var r = rate.ToString(CultureInfo.InvariantCulture);
        var rows = new (string Label, string Case, string Metric)[]
        {
            ("port-forward MB/s", "port-forward", "throughput"),
            ("exec stdout MB/s", "exec stdout", "throughput"),
            ("port-forward gateway CPU s / GB", "port-forward", "CPU per GB"),
            ("exec stdout gateway CPU s / GB", "exec stdout", "CPU per GB"),
            ($"pods/proxy 1 KiB p50 @{r}/s ms", "pods/proxy 1 KiB", $"p50 @{r}/s"),
            ($"pods/proxy 1 KiB p99 @{r}/s ms", "pods/proxy 1 KiB", $"p99 @{r}/s"),
            ("port-forward open p50 ms", "port-forward open", "p50"),
            ("port-forward open p99 ms", "port-forward open", "p99"),
        };
        md.AppendLine("| through the gateway | gateway (direct dial) | gateway+grpc (GRPC/UDS) | vs gateway | gateway+http-connect (HTTP CONNECT/UDS) | vs gateway |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var (label, c, metric) in rows)
        {
            string Versus(string arm) => metric switch
            {
                "throughput" => WithUnit(Find(summaries, "tunnel", c, $"{arm} ÷ gateway", "throughput ratio"), " ×"),
                "CPU per GB" => "",
                _ => WithUnit(Find(summaries, "tunnel", c, arm, "added " + metric), " ms added"),
            };
            string F(string arm) => Format(Find(summaries, "tunnel", c, arm, metric));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {F(ArmNames.Gateway)} | {F(ArmNames.GatewayGrpc)} | {Versus(ArmNames.GatewayGrpc)} | {F(ArmNames.GatewayHttpConnect)} | {Versus(ArmNames.GatewayHttpConnect)} |");
        }
    }

    private static void UpdateReadme(Driver.Run run, IReadOnlyList<Summary> summaries, string chart, string report)
    {
        var readme = Path.Combine("bench", "README.md");
        if (!File.Exists(readme))
        {
            return;
        }

        File.Copy(chart, Path.Combine("bench", "latency" + Path.GetExtension(chart)), overwrite: true);
        var top = run.Settings.Rates[^1].ToString(CultureInfo.InvariantCulture);
        var table = new StringBuilder();
        table.AppendLine(Begin);
        table.AppendLine(CultureInfo.InvariantCulture, $"Latest full run: [results/{report}](results/{report}) ({run.Machine.Cores} cores, {run.Machine.Cpu}; load average before {run.Machine.LoadBefore}, after {run.Machine.LoadAfter}). Median [range] of {run.Settings.Rounds} rounds.");
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"![latency percentiles per arm](latency{Path.GetExtension(chart)})");
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"| path | arm | p50 @{top}/s ms | p99 @{top}/s ms | p99.9 @{top}/s ms | added p99 ms | saturation req/s | proxy CPU s / 1000 req |");
        table.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var c in Cases(summaries, "short"))
        {
            foreach (var arm in new[] { ArmNames.Direct, ArmNames.Gateway, ArmNames.AspNetCore, ArmNames.Nginx, ArmNames.Haproxy })
            {
                string F(string metric) => Format(Find(summaries, "short", c, arm, metric));
                table.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {arm} | {F($"p50 @{top}/s")} | {F($"p99 @{top}/s")} | {F($"p99.9 @{top}/s")} | {(arm == ArmNames.Direct ? "" : F($"added p99 @{top}/s"))} | {F("saturation")} | {F($"CPU per 1000 requests @{top}/s")} |");
            }
        }

        table.AppendLine();
        table.AppendLine("| stream | direct MB/s | gateway MB/s | API server MB/s | nginx MB/s | HAProxy MB/s | gateway ÷ direct |");
        table.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in ArmCases(summaries))
        {
            string F(string arm) => Format(Find(summaries, "streams", c, arm, "throughput"));
            table.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {F(ArmNames.Direct)} | {F(ArmNames.Gateway)} | {F(ArmNames.ApiServer)} | {F(ArmNames.Nginx)} | {F(ArmNames.Haproxy)} | {Format(Find(summaries, "streams", c, "gateway ÷ direct", "throughput ratio"))} |");
        }

        table.AppendLine();
        RecordingSection.Table(table, summaries);

        table.AppendLine();
        table.AppendLine("| idle stream through the gateway | KiB per stream | proved open |");
        table.AppendLine("|---|---|---|");
        foreach (var c in Cases(summaries, "idle"))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {Format(Find(summaries, "idle", c, ArmNames.Gateway, "memory per stream"))} | {Format(Find(summaries, "idle", c, ArmNames.Gateway, "streams proved open"))} of {Format(Find(summaries, "idle", c, ArmNames.Gateway, "streams open"))} |");
        }

        table.AppendLine();
        table.AppendLine("Nothing leaks (section 8 of the report): the gateway after 10,000 execs and 10,000 port-forwards opened and closed:");
        table.AppendLine();
        LeaksSection.Table(table, summaries);
        table.AppendLine();
        TunnelTable(table, summaries, run.Settings.TunnelRate);
        table.AppendLine();
        ReauthorizationSection.Table(table, summaries);
        table.AppendLine();
        var hs = Cases(summaries, "handshakes").FirstOrDefault() ?? "";
        table.AppendLine(CultureInfo.InvariantCulture, $"mTLS handshakes/s: direct (API server alone) {Format(Find(summaries, "handshakes", hs, ArmNames.Direct, "handshakes"))}, gateway {Format(Find(summaries, "handshakes", hs, ArmNames.Gateway, "handshakes"))} ({Format(Find(summaries, "handshakes", hs, "gateway ÷ direct", "handshakes ratio"))} ×), nginx {Format(Find(summaries, "handshakes", hs, ArmNames.Nginx, "handshakes"))}, HAProxy {Format(Find(summaries, "handshakes", hs, ArmNames.Haproxy, "handshakes"))}.");
        table.Append(End);
        var text = File.ReadAllText(readme);
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start >= 0 && end > start)
        {
            File.WriteAllText(readme, text[..start] + table + text[(end + End.Length)..]);
        }
    }

    private static bool Busy(MachineInfo m) =>
        double.TryParse(m.LoadBefore.Split(' ')[0], CultureInfo.InvariantCulture, out var before) && before > m.Cores * 0.5
        || double.TryParse(m.LoadAfter.Split(' ').FirstOrDefault() ?? "", CultureInfo.InvariantCulture, out var after) && after > m.Cores + 0.5;

    private static IEnumerable<string> Cases(IReadOnlyList<Summary> summaries, string scenario) =>
        summaries.Where(s => s.Scenario == scenario).Select(s => s.Case).Distinct();

    /// <summary>Scenario 2's cases measured on every arm (the recorded exec is the gateway's only: <see cref="RecordingSection"/>).</summary>
    private static IEnumerable<string> ArmCases(IReadOnlyList<Summary> summaries) =>
        Cases(summaries, "streams").Where(c => c != StreamCases.ExecStdoutRecorded);

    internal static Summary? Find(IReadOnlyList<Summary> summaries, string scenario, string c, string arm, string metric) =>
        summaries.FirstOrDefault(s => s.Scenario == scenario && s.Case == c && s.Arm == arm && s.Metric == metric);

    internal static string Format(Summary? s) => Format(s, "");

    /// <summary>Median [range] with <paramref name="unit"/>, then how many rounds were flagged and left out, if any.</summary>
    private static string Format(Summary? s, string unit)
    {
        if (s is null || double.IsNaN(s.Median))
        {
            return s switch
            {
                { Flagged: > 0 } => $"{s.Flag} (every round)",
                { Discarded: > 0 } => "load-generator bound",
                _ => "–",
            };
        }

        string F(double v) => s.Unit == "count" ? v.ToString("0.#", CultureInfo.InvariantCulture)
            : Math.Abs(v) >= 100 ? v.ToString("F0", CultureInfo.InvariantCulture)
            : Math.Abs(v) >= 10 ? v.ToString("F1", CultureInfo.InvariantCulture)
            : v.ToString("F3", CultureInfo.InvariantCulture);
        var figure = s.Rounds > 1 ? $"{F(s.Median)} [{F(s.Min)}–{F(s.Max)}]" : F(s.Median);
        figure += unit;
        return s.Flagged > 0 ? $"{figure} ({s.Flagged} {(s.Flagged == 1 ? "round" : "rounds")} {s.Flag}, left out)" : figure;
    }

    private static string WithUnit(Summary? s, string unit) => Format(s, unit);

    private static string Met(Summary? s, Func<double, bool> goal) =>
        s is null || double.IsNaN(s.Median) ? (s is { Flagged: > 0 } ? "not measured: every round flagged" : "not measured") : goal(s.Median) ? "yes" : "**no**";
}
