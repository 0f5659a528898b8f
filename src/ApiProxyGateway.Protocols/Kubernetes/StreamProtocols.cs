namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// Names of the Kubernetes streaming sub-protocols (k8s.io/apimachinery util/remotecommand and util/portforward,
/// client-go tools/portforward) and the headers that negotiate them.
/// </summary>
public static class StreamProtocols
{
    public const string RemoteCommandV1 = "channel.k8s.io";
    public const string RemoteCommandV2 = "v2.channel.k8s.io";
    public const string RemoteCommandV3 = "v3.channel.k8s.io";
    public const string RemoteCommandV4 = "v4.channel.k8s.io";
    public const string RemoteCommandV5 = "v5.channel.k8s.io";

    /// <summary>Legacy WebSocket variants that carry each message as an ASCII channel digit plus base64 text.</summary>
    public const string RemoteCommandBase64V1 = "base64.channel.k8s.io";

    public const string RemoteCommandBase64V4 = "v4.base64.channel.k8s.io";

    public const string PortForwardV1 = "portforward.k8s.io";

    /// <summary>kubectl 1.31+ port-forward: raw SPDY/3.1 bytes in binary WebSocket messages.</summary>
    public const string PortForwardWebSocketTunnel = SpdyTunnelPrefix + PortForwardV1;

    public const string SpdyTunnelPrefix = "SPDY/3.1+";

    /// <summary>The <c>Upgrade</c> token of a SPDY request.</summary>
    public const string SpdyUpgrade = "SPDY/3.1";

    /// <summary>The <c>Upgrade</c> token of a WebSocket request (compared without regard to case).</summary>
    public const string WebSocketUpgrade = "websocket";

    public const string ProtocolVersionHeader = "X-Stream-Protocol-Version";
    public const string AcceptedProtocolVersionsHeader = "X-Accepted-Stream-Protocol-Versions";
    public const string WebSocketProtocolHeader = "Sec-WebSocket-Protocol";

    /// <summary>What a SPDY remote-command server supports, newest first (v5 over SPDY behaves as v4: FIN is the close signal).</summary>
    public static IReadOnlyList<string> RemoteCommandSpdy { get; } = [RemoteCommandV5, RemoteCommandV4, RemoteCommandV3, RemoteCommandV2, RemoteCommandV1];

    /// <summary>What a WebSocket remote-command server supports, newest first.</summary>
    public static IReadOnlyList<string> RemoteCommandWebSocket { get; } =
        [RemoteCommandV5, RemoteCommandV4, RemoteCommandBase64V4, RemoteCommandV1, RemoteCommandBase64V1];

    /// <summary>The protocol version number (1..5) of a remote-command protocol name.</summary>
    public static int RemoteCommandVersion(string protocol) => protocol switch
    {
        RemoteCommandV5 => 5,
        RemoteCommandV4 or RemoteCommandBase64V4 => 4,
        RemoteCommandV3 => 3,
        RemoteCommandV2 => 2,
        RemoteCommandV1 or RemoteCommandBase64V1 or "" => 1,
        _ => throw new ArgumentException($"'{protocol}' is not a remote-command protocol.", nameof(protocol)),
    };

    /// <summary>Whether a WebSocket channel protocol carries its data as base64 text.</summary>
    public static bool IsBase64(string protocol) => protocol is RemoteCommandBase64V1 or RemoteCommandBase64V4;
}
