using System.Text;
using ApiProxyGateway.Requests;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>request-classifier</c>: <see cref="RequestClassifier.Classify"/> over arbitrary request targets (the input as
/// Latin-1 text after one byte choosing the method), which must classify or refuse, never throw; and what it
/// classifies must hold up (the query read as the gateway reads it, Go's way, by <see cref="GoQuery"/>, which must
/// parse or refuse with a reason): the path it forwards is printable escaped ASCII that classifies again to the same request,
/// a proxied path is cleaned, and no pod, service or node subresource the gateway owns is ever passed through.
/// </summary>
internal static class RequestClassifierTarget
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT"];

    public static FuzzTarget Target { get; } = new(
        "request-classifier",
        "RequestClassifier.Classify (RequestInfoFactory and UrlPath under it) over arbitrary request targets",
        ["ApiProxyGateway.dll", "ApiProxyGateway.Protocols.dll"],
        Run,
        Seeds);

    private static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var method = Methods[input[0] % Methods.Length];
        var target = Encoding.Latin1.GetString(input.AsSpan(1));
        var budget = AllocationBudget.Start(input.Length, baseline: 64 * 1024, perInputByte: 256);
        var query = GoQuery.Parse(QueryString(target), out var queryRefusal);
        if (query is null)
        {
            if (string.IsNullOrEmpty(queryRefusal))
            {
                throw new FuzzFinding($"{method} {target}: the query was refused without a reason.");
            }

            return;
        }

        var first = RequestClassifier.Classify(method, target, Lookup, out var refusal);
        budget.Check("Classifying a request");
        if (first is null)
        {
            if (refusal is not { Code: 400 or 404 })
            {
                throw new FuzzFinding($"{method} {target} was neither classified nor refused with 400 or 404.");
            }

            return;
        }

        if (refusal is not null)
        {
            throw new FuzzFinding($"{method} {target} was both classified and refused.");
        }

        foreach (var c in first.EscapedPath)
        {
            if (c is <= ' ' or >= '\u007f')
            {
                throw new FuzzFinding($"{method} {target} forwards the path {first.EscapedPath}, which holds U+{(int)c:X4}.");
            }
        }

        var info = first.Info;
        if (!first.Route.IsServedByGateway && info.ApiPrefix == "api" && info.ApiVersion == "v1"
            && info.Resource is "pods" or "services" or "nodes" && info.Subresource is "log" or "exec" or "attach" or "portforward" or "proxy")
        {
            throw new FuzzFinding($"{method} {target} passes {info.ResourceWithSubresource} through to the API server.");
        }

        if (first.ProxyPath.Length > 0 && (!first.ProxyPath.StartsWith('/') || first.ProxyPath.Contains("//", StringComparison.Ordinal)
            || first.ProxyPath.Split('/').Any(segment => segment is "." or "..")))
        {
            throw new FuzzFinding($"{method} {target} proxies to the uncleaned path {first.ProxyPath}.");
        }

        var again = RequestClassifier.Classify(method, first.EscapedPath + QueryString(target), Lookup, out var secondRefusal);
        if (again is null || again.Route != first.Route || again.ProxyPath != first.ProxyPath
            || again.Info with { Parts = [] } != info with { Parts = [] } || !again.Info.Parts.SequenceEqual(info.Parts))
        {
            throw new FuzzFinding($"{method} {target} forwards {first.EscapedPath}, which reads as another request ({secondRefusal?.Message ?? again?.ToString()}).");
        }

        string? Lookup(string name) => query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
    }

    private static string QueryString(string target) => target.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? target[at..] : "";

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        (string Name, string Method, string Target)[] seeds =
        [
            ("exec", "POST", "/api/v1/namespaces/demo/pods/shell/exec?command=sh&stdin=true&stdout=true&tty=true"),
            ("exec-encoded-slash", "POST", "/api/v1/namespaces/demo/pods/shell%2Fexec?command=id"),
            ("exec-empty-segment", "POST", "/api/v1/namespaces/demo/pods/shell//exec"),
            ("log-follow", "GET", "/api/v1/namespaces/demo/pods/logger/log?follow=true&container=logger"),
            ("portforward", "GET", "/api/v1/namespaces/demo/pods/web/portforward?ports=8080"),
            ("pod-proxy", "GET", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/page?x=1"),
            ("service-proxy", "GET", "/api/v1/namespaces/demo/services/https:web:443/proxy/"),
            ("node-proxy-split", "GET", "/api/v1/nodes/node-a/proxy/healthz%0D%0A%0D%0APOST%20/run/demo/p/c"),
            ("node-proxy-dots", "GET", "/api/v1/nodes/node-a/proxy/healthz/../run/x"),
            ("watch", "GET", "/api/v1/watch/namespaces/demo/pods/web"),
            ("list-watch", "GET", "/api/v1/namespaces/demo/pods?watch=true&fieldSelector=metadata.name%3Dweb"),
            ("watch-cases", "GET", "/api/v1/namespaces/demo/pods?Watch=0&watch=1;&wat%63h=%FF+x&FieldSelector=metadata.name=web"),
            ("group", "DELETE", "/apis/apps/v1/namespaces/demo/deployments"),
            ("legacy-proxy", "GET", "/api/v1/proxy/namespaces/demo/pods/web/"),
            ("non-resource", "GET", "/openapi/v3/api/v1?hash=abc"),
            ("utf8", "GET", "/api/v1/namespaces/demo/configmaps/caf%C3%A9"),
        ];
        foreach (var (name, method, target) in seeds)
        {
            yield return (name, [(byte)Array.IndexOf(Methods, method), .. Encoding.Latin1.GetBytes(target)]);
        }
    }
}
