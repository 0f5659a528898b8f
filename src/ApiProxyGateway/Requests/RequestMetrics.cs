using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Requests;

internal static class RequestMetrics
{
    /// <summary>
    /// Counts every request on the API port and how long it took, by route kind (from the request's classification,
    /// so no path ever becomes a label), method and final status code. Requests refused before they were classified
    /// count as route <c>none</c>.
    /// </summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var metrics = context.RequestServices.GetRequiredService<GatewayMetrics>();
            var time = context.RequestServices.GetRequiredService<TimeProvider>();
            var started = time.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var kind = context.Features.Get<ClassifiedRequest>()?.Route.Name ?? "none";
                var method = context.Request.Method is "GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS" ? context.Request.Method : "other";
                metrics.RequestCompleted(kind, method, context.Response.StatusCode, time.GetElapsedTime(started));
            }
        });
}
