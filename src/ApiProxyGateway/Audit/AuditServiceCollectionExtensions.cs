using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Requests;

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
    /// Audits every request the gateway serves itself (pod streams, proxies), every request it refuses itself (no or
    /// a refused certificate, an unreadable path, a denied impersonation or authorization: any Status it wrote), and,
    /// when configured, the rest of the pass-through. An entry is opened when the request arrives, so handlers can
    /// fill it in; whether it is written is decided when the request completes, once the route is known.
    /// </summary>
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var recorder = app.ApplicationServices.GetRequiredService<AuditRecorder>();
        return app.Use(async (context, next) =>
        {
            var entry = recorder.Begin(context);
            try
            {
                await next(context);
            }
            finally
            {
                // A pass-through request is the API server's to audit, unless the gateway answered it itself or cut it
                // (a watch whose access was taken away): the API server cannot know why it ended.
                var servedByGateway = context.Features.Get<ClassifiedRequest>()?.Route.IsServedByGateway == true;
                if (servedByGateway || entry.HasAnnotation(AuditEntry.EndedByAnnotation) || recorder.IncludePassThrough || context.Features.Get<StatusBody>() is not null)
                {
                    recorder.Complete(context, entry);
                }
            }
        });
    }
}
