namespace ApiProxyGateway.Streaming;

/// <summary>How a client asked to stream.</summary>
internal enum ClientStreamProtocol
{
    /// <summary>No upgrade: logs, or an exec without a stream (refused).</summary>
    None,

    /// <summary><c>Upgrade: SPDY/3.1</c>, every kubectl's fallback and the default before 1.30/1.31.</summary>
    Spdy,

    /// <summary>WebSocket <c>v5.channel.k8s.io</c> exec/attach (kubectl 1.30+).</summary>
    WebSocketV5,

    /// <summary>WebSocket <c>SPDY/3.1+portforward.k8s.io</c>: SPDY bytes tunnelled in binary messages (kubectl 1.31+).</summary>
    WebSocketTunnel,

    /// <summary>Older WebSocket protocols (<c>channel.k8s.io</c>, <c>v4.channel.k8s.io</c>, base64 variants).</summary>
    WebSocketLegacy,

    /// <summary>An upgrade to anything else: refused with 400.</summary>
    Refused,
}
