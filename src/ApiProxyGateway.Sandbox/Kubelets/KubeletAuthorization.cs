using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// The kubelet's authorization attributes (pkg/kubelet/server/auth.go): resource <c>nodes</c>, name = the node, the
/// verb from the HTTP method, and the subresource from the path prefix; the request is allowed if any subresource is
/// (fine-grained authorization, on by default since 1.33, tries <c>pods</c>, <c>healthz</c> or <c>configz</c> first).
/// </summary>
internal static class KubeletAuthorization
{
    public static string Verb(string method) => method switch
    {
        "POST" => "create",
        "GET" => "get",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "",
    };

    public static IReadOnlyList<string> Subresources(string path)
    {
        if (IsSubpath(path, "/stats"))
        {
            return ["stats"];
        }

        if (IsSubpath(path, "/metrics"))
        {
            return ["metrics"];
        }

        if (IsSubpath(path, "/logs"))
        {
            return ["log"];
        }

        if (IsSubpath(path, "/checkpoint"))
        {
            return ["checkpoint"];
        }

        if (IsSubpath(path, "/pods") || IsSubpath(path, "/runningpods"))
        {
            return ["pods", "proxy"];
        }

        if (IsSubpath(path, "/healthz"))
        {
            return ["healthz", "proxy"];
        }

        return IsSubpath(path, "/configz") ? ["configz", "proxy"] : IsSubpath(path, "/statusz") ? ["statusz", "proxy"] : ["proxy"];
    }

    public static IEnumerable<AuthorizationAttributes> Attributes(UserInfo user, string nodeName, string method, string path) =>
        Subresources(path).Select(subresource => new AuthorizationAttributes
        {
            User = user,
            Verb = Verb(method),
            IsResourceRequest = true,
            ApiVersion = "v1",
            Resource = "nodes",
            Subresource = subresource,
            Name = nodeName,
        });

    /// <summary>The kubelet's 403 text.</summary>
    public static string ForbiddenMessage(UserInfo user, string method, string path) =>
        $"Forbidden (user={user.Name}, verb={Verb(method)}, resource=nodes, subresource(s)=[{string.Join(' ', Subresources(path))}])";

    private static bool IsSubpath(string path, string prefix) =>
        path == prefix || (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && path[prefix.Length] == '/');
}
