using ApiProxyGateway.Protocols.Kubernetes;
using Microsoft.Extensions.Primitives;

namespace ApiProxyGateway.Streaming;

/// <summary>Classifies the stream protocol a request asks for; only SPDY/3.1 and websocket may be upgraded.</summary>
internal static class StreamRequest
{
    public static ClientStreamProtocol Detect(HttpContext context, out string upgradeToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        upgradeToken = context.Request.Headers.Upgrade.ToString();
        if (context.WebSockets.IsWebSocketRequest)
        {
            var offered = SubProtocols(context.Request.Headers.SecWebSocketProtocol);
            return offered.Contains(StreamProtocols.PortForwardWebSocketTunnel, StringComparer.Ordinal) ? ClientStreamProtocol.WebSocketTunnel
                : offered.Contains(StreamProtocols.RemoteCommandV5, StringComparer.Ordinal) ? ClientStreamProtocol.WebSocketV5
                : ClientStreamProtocol.WebSocketLegacy;
        }

        if (upgradeToken.Length == 0)
        {
            return ClientStreamProtocol.None;
        }

        return string.Equals(upgradeToken, "SPDY/3.1", StringComparison.OrdinalIgnoreCase) ? ClientStreamProtocol.Spdy : ClientStreamProtocol.Refused;
    }

    /// <summary>The metrics label for a WebSocket sub-protocol: websocket-v5, websocket-v4, websocket-v1 (legacy) or tunnel.</summary>
    public static string ProtocolLabel(string? subProtocol) => subProtocol switch
    {
        StreamProtocols.RemoteCommandV5 => "websocket-v5",
        StreamProtocols.PortForwardWebSocketTunnel => "tunnel",
        { } p when p.StartsWith("v4.", StringComparison.Ordinal) => "websocket-v4",
        _ => "websocket-v1",
    };

    /// <summary>Values of a header that may be repeated or comma-joined, as Kubernetes reads them.</summary>
    public static string[] SubProtocols(StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}
