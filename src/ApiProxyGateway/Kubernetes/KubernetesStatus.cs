using System.Net.Mime;
using System.Text.Json;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// Every error the gateway itself produces is a <c>metav1.Status</c>, so kubectl prints it the way it prints
/// kube-apiserver's own errors. Exception text never goes into a Status; callers pass a message meant for people.
/// </summary>
internal static class KubernetesStatus
{
    public static StatusBody Failure(int code, string reason, string message, StatusDetails? details = null) =>
        new("Status", "v1", new StatusMetadata(), "Failure", message, reason, details, code);

    public static Task WriteAsync(HttpContext context, StatusBody status, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(status);
        if (context.Response.HasStarted)
        {
            // Too late for a Status: the client already has a response; cut the stream instead of corrupting it.
            context.Abort();
            return Task.CompletedTask;
        }

        context.Features.Set(status); // the audit event records the failure's reason and message

        // A Status is a whole new response: nothing an upstream's failed answer left behind (Upgrade, Connection,
        // its own headers) may ride along with it.
        context.Response.Headers.Clear();
        context.Response.StatusCode = status.Code;
        context.Response.ContentType = MediaTypeNames.Application.Json;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }
        }

        return context.Response.WriteAsync(Serialize(status), context.RequestAborted);
    }

    public static string Serialize(StatusBody status) => JsonSerializer.Serialize(status, StatusJsonContext.Default.StatusBody);

    public static Task WriteAsync(HttpContext context, int code, string reason, string message) =>
        WriteAsync(context, Failure(code, reason, message));

    public static Task UnauthorizedAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "Unauthorized");

    public static Task ForbiddenAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", message);

    /// <summary>A 403 naming the object, as kube-apiserver's authorization filter writes it.</summary>
    public static Task ForbiddenAsync(HttpContext context, string message, string kind, string group, string name) =>
        WriteAsync(context, Failure(StatusCodes.Status403Forbidden, "Forbidden", message, new StatusDetails(
            name.Length == 0 ? null : name, group.Length == 0 ? null : group, kind)));

    public static Task BadRequestAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", message);

    public static Task ServiceUnavailableAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", message);

    public static Task BadGatewayAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status502BadGateway, "BadGateway", message);

    /// <summary>429 with Retry-After, as kube-apiserver answers when it is at a limit.</summary>
    public static Task TooManyRequestsAsync(HttpContext context, string message) =>
        WriteAsync(context, Failure(StatusCodes.Status429TooManyRequests, "TooManyRequests", message), new Dictionary<string, string> { ["Retry-After"] = "1" });

    public static Task InternalErrorAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status500InternalServerError, "InternalError", "an internal error occurred in the gateway; the gateway's log has the details");
}
