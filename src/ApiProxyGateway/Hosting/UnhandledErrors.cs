using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Hosting;

internal static partial class UnhandledErrors
{
    /// <summary>
    /// The last line of defence: an exception that escapes a handler is logged with its details and the client
    /// gets a 500 Kubernetes Status that reveals nothing (or, once streaming has begun, a closed connection).
    /// </summary>
    public static IApplicationBuilder UseKubernetesStatusForUnhandledErrors(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ApiProxyGateway.Hosting");
                Unhandled(logger, context.Request.Method, context.Request.Path, e);
                await KubernetesStatus.InternalErrorAsync(context);
            }
        });

    [LoggerMessage(EventIds.UnhandledError, LogLevel.Error, "Unhandled error serving {Method} {Path}")]
    private static partial void Unhandled(ILogger logger, string method, string path, Exception exception);
}
