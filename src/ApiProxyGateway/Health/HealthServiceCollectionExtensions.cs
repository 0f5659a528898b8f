using ApiProxyGateway.Telemetry;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Health;

internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("ping", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag, HealthEndpoints.ReadyTag])
            .AddCheck<ShutdownCheck>("shutdown", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<CacheSyncCheck>("informer-sync", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<CertificatesCheck>("certificates", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ApiServerCheck>("apiserver", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<EgressCheck>("egress", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    /// <summary>
    /// The operations listener's whole pipeline: <c>/metrics</c> and the health endpoints, no authentication,
    /// reachable only through the operations port's connections. Scrapes and probes are left out of traces.
    /// </summary>
    public static IApplicationBuilder UseOperationsEndpoints(this IApplicationBuilder app) =>
        app.MapWhen(OperationsListener.IsOperations, operations =>
        {
            operations.Use((context, next) =>
            {
                GatewayActivities.DoNotRecord(context.Features.Get<IHttpActivityFeature>()?.Activity);
                return next(context);
            });
            operations.UseOpenTelemetryPrometheusScrapingEndpoint();
            operations.Run(HealthEndpoints.HandleAsync);
        });
}
