using OpenTelemetry.Metrics;

namespace ApiProxyGateway.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
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
            .AddPrometheusExporter());
        return services;
    }
}
