using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Sandbox.Streaming;

/// <summary>
/// The server's side of an upgrade: answers 101 and takes over the connection. WebSockets are accepted by hand (RFC 6455
/// accept key, our own <c>Sec-WebSocket-Protocol</c> header), which also works for the tunnel protocol whose '/' .NET's
/// own accept path rejects.
/// </summary>
internal static class ServerUpgrade
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Upgrades to SPDY/3.1 having negotiated <paramref name="protocol"/>; the session is in the server role.</summary>
    public static async Task<SpdySession> AcceptSpdyAsync(HttpContext http, string protocol, SpdySessionOptions? options = null)
    {
        http.Response.Headers.Connection = "Upgrade";
        http.Response.Headers.Upgrade = StreamProtocols.SpdyUpgrade;
        http.Response.Headers[StreamProtocols.ProtocolVersionHeader] = protocol;
        var transport = await Feature(http).UpgradeAsync();
        return SpdySession.CreateServer(transport, options);
    }

    /// <summary>Accepts a WebSocket naming <paramref name="protocol"/> (none when null or empty).</summary>
    public static async Task<WebSocket> AcceptWebSocketAsync(HttpContext http, string? protocol)
    {
        var key = http.Request.Headers.SecWebSocketKey.ToString();
#pragma warning disable CA5350 // RFC 6455 defines the accept key with SHA-1; it is not used for security here
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
#pragma warning restore CA5350
        http.Response.Headers.Connection = "Upgrade";
        http.Response.Headers.Upgrade = "websocket";
        http.Response.Headers.SecWebSocketAccept = accept;
        if (!string.IsNullOrEmpty(protocol))
        {
            http.Response.Headers.SecWebSocketProtocol = protocol;
        }

        var transport = await Feature(http).UpgradeAsync();
        return WebSocket.CreateFromStream(transport, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(30) });
    }

    /// <summary>True when the request carries a usable WebSocket key (the handshake can be answered).</summary>
    public static bool HasWebSocketKey(HttpRequest request) => request.Headers.SecWebSocketKey.ToString().Length > 0;

    private static IHttpUpgradeFeature Feature(HttpContext http) =>
        http.Features.Get<IHttpUpgradeFeature>() ?? throw new InvalidOperationException("The request cannot be upgraded.");
}
