namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// kube-apiserver's request-info rules (apiserver/pkg/endpoints/request): <c>/api/v1/...</c> and
/// <c>/apis/{group}/{version}/...</c> are resource requests; the verb comes from the method, GET without a name is
/// list or watch, DELETE without a name is deletecollection, and a <c>/watch/</c> or <c>/proxy/</c> segment is the verb.
/// </summary>
internal static class RequestInfoParser
{
    private static readonly string[] SpecialVerbs = ["proxy", "watch"];
    private static readonly string[] NamespaceSubresources = ["status", "finalize"];

    public static RequestInfo Parse(string method, string path, Func<string, string?> query)
    {
        var nonResource = new RequestInfo { Path = path, Verb = method.ToLowerInvariant() };
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0] is not ("api" or "apis"))
        {
            return nonResource;
        }

        var prefix = parts[0];
        var rest = parts[1..];
        var group = "";
        if (prefix == "apis")
        {
            if (rest.Length < 3)
            {
                return nonResource;
            }

            group = rest[0];
            rest = rest[1..];
        }

        var version = rest[0];
        rest = rest[1..];
        string verb;
        if (SpecialVerbs.Contains(rest[0]) && rest.Length >= 2)
        {
            verb = rest[0];
            rest = rest[1..];
        }
        else
        {
            verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        var @namespace = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            @namespace = rest[1];
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
            }
        }

        var resource = rest[0];
        var name = rest.Length >= 2 ? rest[1] : "";
        var subresource = rest.Length >= 3 && verb is not ("proxy" or "watch") ? rest[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            verb = IsTrue(query("watch")) ? "watch" : "list";
        }

        if (name.Length == 0 && verb is "list" or "watch" && SingleName(query("fieldSelector")) is { } selected)
        {
            name = selected;
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestInfo
        {
            IsResourceRequest = true,
            Path = path,
            Verb = verb,
            ApiPrefix = prefix,
            ApiGroup = group,
            ApiVersion = version,
            Namespace = @namespace,
            Resource = resource,
            Subresource = subresource,
            Name = name,
            Parts = rest,
        };
    }

    public static bool IsTrue(string? value) => value is "true" or "1" or "t" or "T" or "TRUE" or "True";

    /// <summary>A selector of exactly <c>metadata.name=x</c> names the object for authorization, as in kube-apiserver.</summary>
    private static string? SingleName(string? fieldSelector)
    {
        if (string.IsNullOrEmpty(fieldSelector) || fieldSelector.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var prefix in new[] { "metadata.name==", "metadata.name=" })
        {
            if (fieldSelector.StartsWith(prefix, StringComparison.Ordinal) && !fieldSelector.Contains('/', StringComparison.Ordinal))
            {
                return fieldSelector[prefix.Length..];
            }
        }

        return null;
    }
}
