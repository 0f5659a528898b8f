using ApiProxyGateway.Protocols.Kubernetes;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Sandbox.Streaming;

/// <summary>What kind of HTTP/1.1 upgrade a request asks for (apimachinery's httpstream/wsstream checks).</summary>
internal static class UpgradeRequest
{
    /// <summary><c>Connection: upgrade</c> and <c>Upgrade: websocket</c>, on a connection that can be upgraded.</summary>
    public static bool IsWebSocket(HttpRequest request) =>
        IsUpgradable(request) && request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase);

    public static bool IsSpdy(HttpRequest request) =>
        IsUpgradable(request) && request.Headers.Upgrade.ToString().StartsWith("SPDY/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Any upgrade request at all (Kestrel only offers the feature on HTTP/1.1 with <c>Connection: upgrade</c>).</summary>
    public static bool IsUpgradable(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };

    /// <summary>The sub-protocols the client offered, in its order (repeated and comma-joined headers alike).</summary>
    public static IReadOnlyList<string> WebSocketProtocols(HttpRequest request) =>
        [.. ProtocolNegotiation.Split(request.Headers.SecWebSocketProtocol)];

    /// <summary>The <c>X-Stream-Protocol-Version</c> values the client offered, in its order.</summary>
    public static IReadOnlyList<string> StreamProtocols(HttpRequest request) =>
        [.. ProtocolNegotiation.Split(request.Headers[ApiProxyGateway.Protocols.Kubernetes.StreamProtocols.ProtocolVersionHeader])];
}
