using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace ApiProxyGateway.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The gateway's meter plus the framework's own (ASP.NET Core hosting and Kestrel, HttpClient, the .NET
    /// runtime), exported in Prometheus text format on the operations listener: this host's meters and the
    /// process-wide ones, never another host's (see <see cref="GatewayMetricViews"/>).
    /// </summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<GatewayMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName)
            // Not ASP.NET Core's authentication meter: a duration per request of a cached certificate lookup, about 0.5%
            // of a proxied request's CPU; apiproxygateway_authentication_failures_total says what it would (by reason).
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddMeter("System.Net.Http", "System.Runtime")
            .AddPrometheusExporter());

        // The views need this host's meter factory, so they are added once the host's services exist.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
            metrics.AddView(new GatewayMetricViews(provider.GetRequiredService<IMeterFactory>()).Select));
        return services;
    }
}
