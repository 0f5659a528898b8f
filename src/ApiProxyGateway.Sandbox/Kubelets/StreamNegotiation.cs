using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// How the kubelet (and the CRI streaming server behind it) picks a transport: a WebSocket must offer one of the
/// protocols it knows (else a bare 403, as x/net/websocket's handshake refuses), SPDY must agree on an
/// <c>X-Stream-Protocol-Version</c> (else 403 with <c>X-Accepted-Stream-Protocol-Versions</c>), and anything that is not
/// an upgrade gets "Upgrade request required" (the kubelet's responder writes it as a 500).
/// </summary>
internal static class StreamNegotiation
{
    public static async Task<NegotiatedStream?> NegotiateAsync(HttpContext http, IReadOnlyList<string> spdy, IReadOnlyList<string> webSocket)
    {
        var request = http.Request;
        if (UpgradeRequest.IsWebSocket(request))
        {
            IReadOnlyList<string> offered = UpgradeRequest.WebSocketProtocols(request) is { Count: > 0 } list ? list : [""];
            if (offered.FirstOrDefault(webSocket.Contains) is { } protocol && ServerUpgrade.HasWebSocketKey(request))
            {
                return new NegotiatedStream(true, protocol);
            }

            // x/net/websocket refuses the handshake with a bare 403: no body, no reason.
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return null;
        }

        if (UpgradeRequest.IsSpdy(request))
        {
            var offered = UpgradeRequest.StreamProtocols(request);
            if (offered.Count == 0)
            {
                await KubeletResponses.ErrorAsync(http, 400, $"unable to upgrade: {StreamProtocols.ProtocolVersionHeader} is required");
                return null;
            }

            if (offered.FirstOrDefault(spdy.Contains) is { } protocol)
            {
                return new NegotiatedStream(false, protocol);
            }

            http.Response.Headers[StreamProtocols.AcceptedProtocolVersionsHeader] = spdy.ToArray();
            await KubeletResponses.ErrorAsync(http, 403, $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(' ', offered)}], server accepts [{string.Join(' ', spdy)}]");
            return null;
        }

        await KubeletResponses.ErrorAsync(http, 500, "Upgrade request required");
        return null;
    }
}
