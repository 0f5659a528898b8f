using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Requests;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Recognises the requests kube-apiserver treats as long-running (its <c>BasicLongRunningRequestCheck</c>): the
/// verbs watch and proxy, the subresources attach, exec, proxy, log and portforward (of aggregated APIs too), a
/// followed log, and any upgraded stream. They get the long idle timeout and count as streams.
/// </summary>
internal static class LongRunningRequest
{
    public static bool Matches(HttpRequest request, RequestInfo info)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(info);
        return info.Verb is "watch" or "proxy"
            || info.Subresource is "attach" or "exec" or "proxy" or "log" or "portforward"
            || GoQuery.Bool(request.Query, "follow")
            || request.Headers.Upgrade.Count > 0;
    }

    /// <summary>A watch or a followed log: an answer whose headers must go out before its first event or line.</summary>
    public static bool StreamsEvents(HttpRequest request, RequestInfo info)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(info);
        return info.Verb == "watch" || GoQuery.Bool(request.Query, "follow");
    }
}
