using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Streaming;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Hosting;

/// <summary>
/// Requests while the gateway shuts down, as kube-apiserver treats them. From SIGTERM on, every request's connection
/// is asked to close once the response is done (HTTP/1.1 <c>Connection: close</c>, HTTP/2 GOAWAY): the client's next
/// request opens a new connection, which the load balancer, having seen readiness fail, sends to another replica.
/// A request that still arrives after the listener has closed cannot be served to its end: it is answered 429 with
/// Retry-After, which client-go retries, rather than cut.
/// </summary>
internal static class ShutdownRequests
{
    public static IApplicationBuilder UseShutdownRequests(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var drain = app.ApplicationServices.GetRequiredService<StreamDrain>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ShutdownRequests));
        // Until SIGTERM the next step is returned as it is (no state machine per request).
        return app.Use(next => context => stopping.IsCancellationRequested ? WhileStoppingAsync(context, next, drain, logger) : next(context));
    }

    private static async Task WhileStoppingAsync(HttpContext context, RequestDelegate next, StreamDrain drain, ILogger logger)
    {
        // Not on an upgrade: its connection becomes the stream, which the drain ends in its own way.
        if (context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true })
        {
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }

        if (drain.ListenerClosed.IsCancellationRequested)
        {
            DrainLog.RefusedWhileDraining(logger, context.Request.Method, context.Request.Path);
            await KubernetesStatus.WriteAsync(context, StreamDrain.Status, new Dictionary<string, string> { ["Retry-After"] = "1" });
            return;
        }

        await next(context);
    }
}
