using System.Text.Json;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>Writes JSON bodies and kube-apiserver's <c>metav1.Status</c> errors with its exact messages.</summary>
internal static class ApiResponses
{
    public const string NotFoundMessage = "the server could not find the requested resource";

    public static async Task WriteJsonAsync(HttpContext context, int statusCode, JsonNode body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.Body))
        {
            body.WriteTo(writer);
        }

        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
    }

    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    public static Task WriteStatusAsync(HttpContext context, int code, string reason, string message, JsonObject? details = null) =>
        WriteJsonAsync(context, code, Status(code, reason, message, details));

    public static Task UnauthorizedAsync(HttpContext context) => WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");

    /// <summary>kube-apiserver's responsewriters.Forbidden: "{resource}[ "{name}"] is forbidden: {message}[: {reason}]".</summary>
    public static Task ForbiddenAsync(HttpContext context, AuthorizationAttributes attributes, string reason)
    {
        var message = attributes.ForbiddenMessage();
        if (reason.Length > 0)
        {
            message = $"{message}: {reason}";
        }

        var groupResource = attributes.ApiGroup.Length == 0 ? attributes.Resource : $"{attributes.Resource}.{attributes.ApiGroup}";
        var details = new JsonObject();
        if (attributes.Name.Length > 0)
        {
            details["name"] = attributes.Name;
        }

        if (attributes.ApiGroup.Length > 0)
        {
            details["group"] = attributes.ApiGroup;
        }

        if (attributes.Resource.Length > 0)
        {
            details["kind"] = attributes.Resource;
        }

        var full = attributes.Resource.Length == 0 || !attributes.IsResourceRequest
            ? $"forbidden: {message}"
            : attributes.Name.Length == 0 ? $"{groupResource} is forbidden: {message}" : $"{groupResource} \"{attributes.Name}\" is forbidden: {message}";
        return WriteStatusAsync(context, 403, "Forbidden", full, details);
    }

    public static Task StoreErrorAsync(HttpContext context, ResourceStoreException error, ResourceType type)
    {
        var details = new JsonObject { ["name"] = error.Name };
        var groupResource = error.GroupResource.Length > 0 ? error.GroupResource : type.GroupResource;
        var dot = groupResource.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            details["group"] = groupResource[(dot + 1)..];
        }

        details["kind"] = dot > 0 ? groupResource[..dot] : groupResource;
        return WriteStatusAsync(context, error.StatusCode, error.Reason, error.Message, error.Name.Length > 0 ? details : null);
    }

    public static Task NotFoundAsync(HttpContext context) => WriteStatusAsync(context, 404, "NotFound", NotFoundMessage, new JsonObject());

    public static Task BadRequestAsync(HttpContext context, string message) => WriteStatusAsync(context, 400, "BadRequest", message);

    public static Task MethodNotAllowedAsync(HttpContext context) =>
        WriteStatusAsync(context, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static Task InvalidAsync(HttpContext context, ResourceType type, string name, string field, string problem)
    {
        var details = new JsonObject
        {
            ["name"] = name,
            ["kind"] = type.Kind,
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = problem, ["field"] = field }),
        };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        return WriteStatusAsync(context, 422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {field}: {problem}", details);
    }
}
