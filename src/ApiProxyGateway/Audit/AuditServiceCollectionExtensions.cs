using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Audit;

internal static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditWriter>());
        services.AddSingleton<AuditRecorder>();
        return services;
    }

    /// <summary>
    /// Audits every request on the gateway-served routes (pod streams, proxies) and, when configured, the
    /// pass-through: an entry is opened when the request arrives and its completion is always recorded.
    /// </summary>
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var kind = context.GetEndpoint()?.Metadata.GetMetadata<RouteKind>();
            var recorder = context.RequestServices.GetRequiredService<AuditRecorder>();
            if (kind is null || (kind == RouteKind.PassThrough && !recorder.IncludePassThrough))
            {
                await next(context);
                return;
            }

            recorder.Begin(context);
            try
            {
                await next(context);
            }
            finally
            {
                recorder.Complete(context);
            }
        });
}
