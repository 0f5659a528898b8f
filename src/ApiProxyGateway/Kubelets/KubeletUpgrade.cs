using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// The one builder of an upgrade request to a kubelet: the client's method (POST stays POST, unlike YARP's upgrade
/// path, so the kubelet authorizes the gateway with <c>create</c>), each <c>X-Stream-Protocol-Version</c> on its own
/// header line, and only the headers that define the upgraded protocol. The caller relays bytes only after a 101.
/// </summary>
internal static class KubeletUpgrade
{
    /// <summary>A SPDY/3.1 upgrade offering <paramref name="protocols"/>.</summary>
    public static Task<HttpResponseMessage> OpenAsync(
        HttpMessageInvoker invoker, KubeletTarget target, HttpMethod method, string pathAndQuery, IEnumerable<string> protocols, string? forwardedFor, CancellationToken cancellationToken) =>
        OpenAsync(invoker, target, method, pathAndQuery, "SPDY/3.1", protocols, [], forwardedFor, cancellationToken);

    /// <summary>An upgrade to <paramref name="upgrade"/> (SPDY/3.1 or websocket) with the protocol's own headers (the WebSocket handshake's).</summary>
    public static async Task<HttpResponseMessage> OpenAsync(
        HttpMessageInvoker invoker,
        KubeletTarget target,
        HttpMethod method,
        string pathAndQuery,
        string upgrade,
        IEnumerable<string> protocols,
        IEnumerable<KeyValuePair<string, string>> protocolHeaders,
        string? forwardedFor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(protocols);
        ArgumentNullException.ThrowIfNull(protocolHeaders);
        using var request = new HttpRequestMessage(method, KubeletClientPool.Uri(target, pathAndQuery))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        foreach (var (name, value) in protocolHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        foreach (var protocol in protocols)
        {
            HeaderLines.Add(request.Headers, StreamProtocols.ProtocolVersionHeader, protocol);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return await invoker.SendAsync(request, cancellationToken);
    }
}
