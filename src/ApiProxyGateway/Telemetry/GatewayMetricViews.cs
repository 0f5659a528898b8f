using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace ApiProxyGateway.Telemetry;

/// <summary>
/// How each instrument is exported: only this host's and the process-wide ones, some renamed, some with fewer labels.
/// One view for all of them, because OpenTelemetry exports an instrument once per matching view: a separate "drop"
/// view would not stop the renaming or label views from exporting another host's instruments.
/// </summary>
internal sealed class GatewayMetricViews(IMeterFactory meterFactory)
{
    private static readonly string[] HttpClientTags =
        ["http.request.method", "http.response.status_code", "network.protocol.version", "url.scheme", "error.type", "http.connection.state"];

    public MetricStreamConfiguration? Select(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);

        // OpenTelemetry subscribes to meters by name across the whole process. Another host of the gateway in this
        // process (the integration tests run several at once) has meters of the same names from its own factory: its
        // instruments would share this host's series, and when that host stopped, OpenTelemetry would retire the shared
        // series here too, so that this host's later measurements were recorded but never exported again.
        if (instrument.Meter.Scope is IMeterFactory owner && !ReferenceEquals(owner, meterFactory))
        {
            return MetricStreamConfiguration.Drop;
        }

        return instrument.Name.ToLowerInvariant() switch
        {
            // Prometheus reserves the _count suffix for histograms and summaries; promtool rejects these three names.
            "dotnet.assembly.count" => new MetricStreamConfiguration { Name = "dotnet.assemblies.loaded" },
            "dotnet.process.cpu.count" => new MetricStreamConfiguration { Name = "dotnet.process.cpus" },
            "dotnet.timer.count" => new MetricStreamConfiguration { Name = "dotnet.timers.active" },

            // Two measurements per request each (up, then down), about 1% of a proxied request's CPU together;
            // apiproxygateway.requests.active is read when scraped instead, and http.client.open_connections stays.
            "http.server.active_requests" or "http.client.active_requests" => MetricStreamConfiguration.Drop,

            // HttpClient labels its series with the host it reached and the peer's IP: pod IPs (unbounded over a
            // cluster's life) and, for any Host header a client could have forwarded, whatever that client chose.
            // Only labels with a fixed set of values are kept, so no caller and no workload can grow the series count.
            var name when name.StartsWith("http.client.", StringComparison.Ordinal) => new MetricStreamConfiguration { TagKeys = HttpClientTags },
            "dns.lookup.duration" => new MetricStreamConfiguration { TagKeys = ["error.type"] },
            _ => null,
        };
    }
}
