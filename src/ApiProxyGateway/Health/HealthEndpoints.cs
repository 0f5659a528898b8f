using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiProxyGateway.Health;

/// <summary>
/// <c>/livez</c>, <c>/readyz</c> and <c>/healthz</c> in Kubernetes' format: <c>ok</c>, or with <c>?verbose</c> one
/// <c>[+]name ok</c> / <c>[-]name failed: reason</c> line per check and a closing verdict; 500 when a check fails.
/// </summary>
internal static class HealthEndpoints
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (name, tag) = context.Request.Path.Value switch
        {
            "/livez" => ("livez", LiveTag),
            "/readyz" => ("readyz", ReadyTag),
            "/healthz" => ("healthz", ReadyTag),
            _ => (null, null),
        };
        if (name is null || tag is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var service = context.RequestServices.GetRequiredService<HealthCheckService>();
        var report = await service.CheckHealthAsync(registration => registration.Tags.Contains(tag), context.RequestAborted);
        var healthy = report.Status == HealthStatus.Healthy;
        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache, private";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        var verbose = context.Request.Query.ContainsKey("verbose");
        if (healthy && !verbose)
        {
            await context.Response.WriteAsync("ok");
            return;
        }

        var text = new StringBuilder();
        foreach (var (check, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(entry.Status == HealthStatus.Healthy
                ? $"[+]{check} ok\n"
                : $"[-]{check} failed: {(verbose ? entry.Description ?? "failed" : "reason withheld")}\n");
        }

        text.Append(healthy ? $"{name} check passed\n" : $"{name} check failed\n");
        await context.Response.WriteAsync(text.ToString());
    }
}
