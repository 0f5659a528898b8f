using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Requests;

/// <summary>
/// The one reading of a request that routing, authorization, forwarding, audit and metrics all use: kube-apiserver's
/// <see cref="RequestInfo"/>, the route that serves it, and the path to send on, escaped as Go escapes it so that the
/// receiver decodes exactly the path that was classified.
/// </summary>
internal sealed record ClassifiedRequest(RequestInfo Info, RouteKind Route, string EscapedPath)
{
    /// <summary>For a proxy route: the escaped path up to and including <c>/proxy</c>, as links and redirects name it.</summary>
    public string ProxyPrefix { get; init; } = "";

    /// <summary>
    /// For a proxy route: the decoded path on the target, joined as kube-apiserver joins it (cleaned, trailing slash
    /// kept; "" when the request named nothing after <c>/proxy</c>).
    /// </summary>
    public string ProxyPath { get; init; } = "";
}
