using ApiProxyGateway.Telemetry;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Requests;

internal static class RequestMetrics
{
    /// <summary>
    /// Counts every request on the API port and how long it took, by route kind (from the request's classification,
    /// so no path ever becomes a label), method and final status code. Requests refused before they were classified
    /// count as route <c>none</c>. With tracing on, the request's server span is named the same way
    /// (<c>GET log</c>, <c>POST exec</c>, <c>GET passthrough</c>), never after its path.
    /// </summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ApplicationServices.GetRequiredService<GatewayMetrics>();
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            var started = time.GetTimestamp();
            metrics.RequestStarted();
            try
            {
                await next(context);
            }
            finally
            {
                var kind = context.Features.Get<ClassifiedRequest>()?.Route.Name ?? "none";
                var method = context.Request.Method is "GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS" ? context.Request.Method : "other";
                metrics.RequestCompleted(kind, method, context.Response.StatusCode, time.GetElapsedTime(started));

                // Only a sampled span is named (with tracing off there is none: appsettings.json turns off the hosting
                // diagnostics log, for which ASP.NET Core would otherwise start an activity per request).
                if (context.Features.Get<IHttpActivityFeature>()?.Activity is { Recorded: true, IsAllDataRequested: true } span)
                {
                    span.DisplayName = $"{method} {kind}";
                    span.SetTag("http.request.method", method);
                    span.SetTag("apiproxygateway.route", kind);
                    span.SetTag("http.response.status_code", context.Response.StatusCode);
                }
            }
        });
    }
}
