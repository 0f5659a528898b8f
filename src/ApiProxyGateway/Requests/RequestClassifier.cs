using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Requests;

/// <summary>
/// Reads every request once, from the raw request target, the way kube-apiserver will: percent-decoded (encoded
/// slashes become separators), then <see cref="RequestInfoFactory"/>. Any request kube-apiserver would serve as
/// <c>pods/{log,exec,attach,portforward,proxy}</c>, <c>services/proxy</c> or <c>nodes/proxy</c> is routed to the
/// gateway's own handler, and every other use of those subresources is refused: none of them may reach the API server,
/// which would serve them without the gateway's verification. What two HTTP stacks could read differently is refused
/// with 400: empty and dot segments (ASP.NET normalises them, Go does not), bad escapes, control characters in the
/// resource part of the path, and targets that are not a plain path.
/// </summary>
internal static class RequestClassifier
{
    private static readonly HashSet<string> GatewaySubresources = new(StringComparer.Ordinal) { "log", "exec", "attach", "portforward", "proxy" };

    public static ClassifiedRequest? Classify(string method, string rawTarget, Func<string, string?> queryValue, out RequestRefusal? refusal)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(rawTarget);
        refusal = null;
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = query < 0 ? rawTarget : rawTarget[..query];
        if (!rawPath.StartsWith('/'))
        {
            refusal = RequestRefusal.BadRequest("the request target must be a path beginning with \"/\"");
            return null;
        }

        string path;
        RequestInfo info;
        try
        {
            path = UrlPath.Decode(rawPath);
            info = RequestInfoFactory.Create(method, path, queryValue);
        }
        catch (FormatException e)
        {
            refusal = RequestRefusal.BadRequest($"the request path cannot be read: {e.Message}");
            return null;
        }

        var route = Route(info, out refusal);
        if (refusal is not null)
        {
            return null;
        }

        // Everything up to and including "/proxy" must read the same to every HTTP stack; what follows it is the
        // target's path, cleaned below exactly as kube-apiserver cleans it.
        var segments = path[1..].Split('/');
        var checkedSegments = route.IsServedByGateway && info.Subresource == "proxy"
            ? (info.Namespace.Length > 0 ? 7 : 5) // api/v1/[namespaces/NS/]RESOURCE/NAME/proxy
            : segments.Length - (path.Length > 1 && path.EndsWith('/') ? 1 : 0);
        if (path != "/" && SegmentProblem(segments.AsSpan(0, Math.Min(checkedSegments, segments.Length))) is { } problem)
        {
            refusal = RequestRefusal.BadRequest($"the request path {problem}, which kube-apiserver and the gateway could read differently");
            return null;
        }

        var classified = new ClassifiedRequest(info, route, UrlPath.Escape(path));
        if (info.Subresource != "proxy" || !route.IsServedByGateway)
        {
            return classified;
        }

        // kube-apiserver's connect options: the parts after "proxy" joined, with a leading slash, and the request's
        // trailing slash kept; then joined to the target's location as net.JoinPreservingTrailingSlash does.
        var subpath = string.Join('/', info.Parts.Skip(3));
        if (subpath.Length > 0 && !subpath.StartsWith('/'))
        {
            subpath = "/" + subpath;
        }

        if (path.EndsWith('/') && !subpath.EndsWith('/'))
        {
            subpath += "/";
        }

        return classified with
        {
            ProxyPrefix = UrlPath.Escape("/" + string.Join('/', segments.AsSpan(0, checkedSegments).ToArray())),
            ProxyPath = UrlPath.JoinPreservingTrailingSlash(subpath),
        };
    }

    private static RouteKind Route(RequestInfo info, out RequestRefusal? refusal)
    {
        refusal = null;
        if (!info.IsResourceRequest || info.ApiPrefix != "api" || info.ApiVersion != "v1")
        {
            return RouteKind.PassThrough;
        }

        if (info.Verb == "proxy")
        {
            // The proxy verb's paths (/api/v1/proxy/...) are gone from kube-apiserver; an old one would proxy unverified.
            refusal = RequestRefusal.BadRequest("the /api/v1/proxy/ paths are not served: use the pods, services or nodes \".../proxy\" subresource");
            return RouteKind.PassThrough;
        }

        if (info.Resource is not ("pods" or "services" or "nodes") || !GatewaySubresources.Contains(info.Subresource))
        {
            return RouteKind.PassThrough;
        }

        var route = (info.Resource, info.Subresource, Namespaced: info.Namespace.Length > 0) switch
        {
            ("pods", "log", true) when info.Parts.Count == 3 => RouteKind.Log,
            ("pods", "exec", true) when info.Parts.Count == 3 => RouteKind.Exec,
            ("pods", "attach", true) when info.Parts.Count == 3 => RouteKind.Attach,
            ("pods", "portforward", true) when info.Parts.Count == 3 => RouteKind.PortForward,
            ("pods", "proxy", true) => RouteKind.PodProxy,
            ("services", "proxy", true) => RouteKind.ServiceProxy,
            ("nodes", "proxy", false) => RouteKind.NodeProxy,
            _ => null,
        };
        if (route is null || info.Verb == "watch" || info.Name.Length == 0)
        {
            // kube-apiserver has no route for these shapes (404); none of them may reach it to find out.
            refusal = RequestRefusal.NotFound($"the server could not find the requested resource ({info.ResourceWithSubresource} is served only as /api/v1/{(info.Resource == "nodes" ? "" : "namespaces/NAMESPACE/")}{info.Resource}/NAME/{info.Subresource})");
            return RouteKind.PassThrough;
        }

        return route;
    }

    private static string? SegmentProblem(ReadOnlySpan<string> segments)
    {
        foreach (var segment in segments)
        {
            switch (segment)
            {
                case "":
                    return "has an empty segment (\"//\")";
                case "." or "..":
                    return $"has a \"{segment}\" segment";
            }

            foreach (var c in segment)
            {
                if (char.IsControl(c))
                {
                    return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"contains the control character U+{(int)c:X4}");
                }
            }
        }

        return null;
    }
}
