using System.Net.WebSockets;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The WebSocket tunnel kubectl 1.31+ uses for port-forward (<c>SPDY/3.1+portforward.k8s.io</c>): every binary
/// message is an arbitrary slice of the SPDY byte stream, so the WebSocket is simply used as a byte stream
/// and a normal <see cref="Spdy.SpdySession"/> runs on top.
/// </summary>
/// <remarks>
/// .NET validates sub-protocol names as RFC 6455 tokens and rejects the '/' in this one: Kestrel's
/// <c>AcceptWebSocketAsync(protocol)</c> throws after it has already sent the 101 (kubectl then reports
/// "close 1006 (abnormal closure)"), and <c>ClientWebSocketOptions.AddSubProtocol</c> throws too. On the server,
/// set the <c>Sec-WebSocket-Protocol</c> response header yourself and accept without a sub-protocol.
/// </remarks>
public static class SpdyWebSocketTunnel
{
    /// <summary>The tunnel as a duplex stream (each write is one binary message); it owns the WebSocket.</summary>
    public static Stream AsStream(WebSocket webSocket) =>
        WebSocketStream.Create(webSocket ?? throw new ArgumentNullException(nameof(webSocket)), WebSocketMessageType.Binary, ownsWebSocket: true);

    /// <summary>Picks a tunnel sub-protocol from the client's <c>Sec-WebSocket-Protocol</c> values, or null.</summary>
    public static string? SelectProtocol(IEnumerable<string?> offeredHeaderValues) =>
        ProtocolNegotiation.Select(offeredHeaderValues, [StreamProtocols.PortForwardWebSocketTunnel]);

    /// <summary>The SPDY protocol inside a tunnel protocol: <c>SPDY/3.1+portforward.k8s.io</c> → <c>portforward.k8s.io</c>.</summary>
    public static string InnerProtocol(string tunnelProtocol) =>
        tunnelProtocol is not null && tunnelProtocol.StartsWith(StreamProtocols.SpdyTunnelPrefix, StringComparison.Ordinal)
            ? tunnelProtocol[StreamProtocols.SpdyTunnelPrefix.Length..]
            : throw new ArgumentException($"'{tunnelProtocol}' is not a SPDY tunnel protocol.", nameof(tunnelProtocol));
}
