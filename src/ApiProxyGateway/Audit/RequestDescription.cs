namespace ApiProxyGateway.Audit;

/// <summary>
/// The Kubernetes reading of a request, as kube-apiserver's request-info resolver gives it: the verb (get,
/// list, watch, create, update, patch, delete, deletecollection) and the object it names.
/// </summary>
internal static class RequestDescription
{
    public static (string Verb, AuditObjectReference? Object) Describe(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? group = null, version;
        int rest;
        if (segments is ["api", var coreVersion, ..])
        {
            version = coreVersion;
            rest = 2;
        }
        else if (segments is ["apis", var apiGroup, var groupVersion, ..])
        {
            (group, version, rest) = (apiGroup, groupVersion, 3);
        }
        else
        {
            return (NonResourceVerb(request.Method), null);
        }

        var parts = segments[rest..];
        var watch = IsTrue(request.Query["watch"]);
        if (parts is ["watch", .. var watched])
        {
            parts = watched;
            watch = true;
        }

        string? ns = null;
        if (parts is ["namespaces", var namespaceName, _, ..])
        {
            ns = namespaceName;
            parts = parts[2..];
        }

        var resource = parts.Length > 0 ? parts[0] : null;
        var name = parts.Length > 1 ? parts[1] : null;
        var subresource = parts.Length > 2 ? parts[2] : null;
        if (resource == "namespaces" && ns is null && name is not null)
        {
            ns = name;
        }

        var collection = name is null;
        var verb = request.Method switch
        {
            "GET" or "HEAD" => watch ? "watch" : collection ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => collection ? "deletecollection" : "delete",
            _ => request.Method.ToLowerInvariant(),
        };
        return (verb, new AuditObjectReference(resource, ns, name, null, group, version, subresource));
    }

    private static string NonResourceVerb(string method) => method switch
    {
        "POST" => "post",
        "PUT" => "put",
        "PATCH" => "patch",
        "DELETE" => "delete",
        "HEAD" => "head",
        _ => "get",
    };

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count > 0 && (values[0] is "1" || string.Equals(values[0], "true", StringComparison.OrdinalIgnoreCase));
}
