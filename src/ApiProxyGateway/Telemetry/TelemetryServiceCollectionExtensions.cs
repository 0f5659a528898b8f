using OpenTelemetry.Metrics;

namespace ApiProxyGateway.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    private static readonly string[] HttpClientTags =
        ["http.request.method", "http.response.status_code", "network.protocol.version", "url.scheme", "error.type", "http.connection.state"];

    /// <summary>
    /// The gateway's meter plus the framework's own (ASP.NET Core hosting and Kestrel, HttpClient, the .NET
    /// runtime), exported in Prometheus text format on the operations listener.
    /// </summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<GatewayMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Authentication")
            .AddMeter("System.Net.Http", "System.Runtime")

            // Prometheus reserves the _count suffix for histograms and summaries; promtool rejects these three names.
            .AddView("dotnet.assembly.count", new MetricStreamConfiguration { Name = "dotnet.assemblies.loaded" })
            .AddView("dotnet.process.cpu.count", new MetricStreamConfiguration { Name = "dotnet.process.cpus" })
            .AddView("dotnet.timer.count", new MetricStreamConfiguration { Name = "dotnet.timers.active" })

            // HttpClient labels its series with the host it reached and the peer's IP: pod IPs (unbounded over a
            // cluster's life) and, for any Host header a client could have forwarded, whatever that client chose.
            // Only labels with a fixed set of values are kept, so no caller and no workload can grow the series count.
            .AddView("http.client.*", new MetricStreamConfiguration { TagKeys = HttpClientTags })
            .AddView("dns.lookup.duration", new MetricStreamConfiguration { TagKeys = ["error.type"] })
            .AddPrometheusExporter());
        return services;
    }
}
