namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// <c>RequestInfoFactory.NewRequestInfo</c> of kube-apiserver, step for step, on an already decoded path: the same
/// prefixes (<c>api</c> groupless, <c>apis</c>), special verbs (<c>watch</c>, and <c>proxy</c> which takes no
/// subresource), namespace subresources (<c>status</c>, <c>finalize</c>), and list/watch/deletecollection for requests
/// without a name (with a <c>metadata.name</c> field selector naming the object). It decides nothing about safety:
/// the gateway's request classifier does that on top of it; the sandbox's API server routes with it as kube-apiserver does.
/// </summary>
public static class RequestInfoFactory
{
    /// <summary>Reads the request; throws <see cref="FormatException"/> where kube-apiserver fails to (it answers 500).</summary>
    public static RequestInfo Create(string method, string decodedPath, Func<string, string?> queryValue)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(decodedPath);
        ArgumentNullException.ThrowIfNull(queryValue);
        var nonResource = new RequestInfo(false, decodedPath, method.ToLowerInvariant(), "", "", "", "", "", "", "", []);
        var parts = decodedPath.Trim('/') is { Length: > 0 } trimmed ? trimmed.Split('/') : [];
        if (parts.Length < 3 || parts[0] is not ("api" or "apis"))
        {
            return nonResource;
        }

        var prefix = parts[0];
        var rest = parts.AsSpan(1);
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
        if (rest[0] is "watch" or "proxy")
        {
            if (rest.Length < 2)
            {
                throw new FormatException($"unable to determine kind and namespace from the path after \"{rest[0]}\"");
            }

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

        var ns = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && rest[2] is not ("status" or "finalize"))
            {
                rest = rest[2..];
            }
        }

        string resource = "", name = "", subresource = "";
        if (rest.Length >= 3 && verb != "proxy")
        {
            subresource = rest[2];
        }

        if (rest.Length >= 2)
        {
            name = rest[1];
        }

        if (rest.Length >= 1)
        {
            resource = rest[0];
        }

        if (name.Length == 0 && verb == "get")
        {
            verb = ParameterCodec.Bool(queryValue("watch")) ? "watch" : "list";
            if (SelectedName(queryValue("fieldSelector")) is { } selected)
            {
                name = selected;
            }
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestInfo(true, decodedPath, verb, prefix, group, version, ns, resource, subresource, name, rest.ToArray());
    }

    /// <summary>
    /// <c>fields.Selector.RequiresExactMatch("metadata.name")</c>: a term <c>metadata.name=x</c> or <c>==x</c>, kept
    /// only if it is a valid path segment name (not "." or "..", no "/" or "%"), as kube-apiserver checks.
    /// </summary>
    private static string? SelectedName(string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return null;
        }

        foreach (var term in selector.Split(','))
        {
            var equals = term.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || term[equals - 1] == '!' || term[..equals].Trim() != "metadata.name")
            {
                continue;
            }

            var value = term[(equals + 1)..].TrimStart('=').Trim();
            return value is "." or ".." || value.Contains('/', StringComparison.Ordinal) || value.Contains('%', StringComparison.Ordinal) ? null : value;
        }

        return null;
    }
}
