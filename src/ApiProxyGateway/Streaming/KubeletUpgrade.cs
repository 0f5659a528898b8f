using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Opens a SPDY/3.1 upgrade to a kubelet with the client's method (POST stays POST, unlike YARP's upgrade path,
/// so the kubelet authorizes the gateway with <c>create</c>) and each <c>X-Stream-Protocol-Version</c> on its own
/// header line. The caller relays bytes only after a 101.
/// </summary>
internal static class KubeletUpgrade
{
    public static async Task<HttpResponseMessage> OpenAsync(
        HttpMessageInvoker invoker, KubeletTarget target, HttpMethod method, string pathAndQuery, IEnumerable<string> protocols, string? forwardedFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        using var request = new HttpRequestMessage(method, KubeletClientPool.Uri(target, pathAndQuery))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "SPDY/3.1");
        foreach (var protocol in protocols)
        {
            HeaderLines.Add(request.Headers, "X-Stream-Protocol-Version", protocol);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return await invoker.SendAsync(request, cancellationToken);
    }
}
