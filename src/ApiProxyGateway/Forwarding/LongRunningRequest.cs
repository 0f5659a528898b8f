using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Requests;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Recognises the requests kube-apiserver treats as long-running (its <c>BasicLongRunningRequestCheck</c>): the
/// verbs watch and proxy, the subresources attach, exec, proxy, log and portforward (of aggregated APIs too), and any
/// upgraded stream (a followed log is a log; <c>follow</c> elsewhere means nothing). They get the long idle timeout and count as streams.
/// </summary>
internal static class LongRunningRequest
{
    public static bool Matches(HttpRequest request, RequestInfo info)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(info);
        return info.Verb is "watch" or "proxy"
            || info.Subresource is "attach" or "exec" or "proxy" or "log" or "portforward"
            || ForwardedUpgrade.IsUpgrade(request.HttpContext);
    }

    /// <summary>A watch or a followed log: an answer whose headers must go out before its first event or line.</summary>
    public static bool StreamsEvents(HttpRequest request, RequestInfo info)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(info);
        return info.Verb == "watch" || (info.Subresource == "log" && GoQuery.Bool(request.Query, "follow"));
    }
}
