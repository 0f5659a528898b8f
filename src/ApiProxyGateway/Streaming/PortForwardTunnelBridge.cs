using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Serves kubectl's WebSocket port-forward (<c>SPDY/3.1+portforward.k8s.io</c>) for kubelets that only speak
/// SPDY, as kube-apiserver's tunneling handler does: a SPDY upgrade (POST) to the kubelet first, then the
/// client's WebSocket is accepted and its binary messages carry the SPDY bytes both ways, unparsed. Messages
/// are read as a byte stream in 16 KiB pieces, never accumulated, so no message size limit is needed here.
/// </summary>
internal sealed class PortForwardTunnelBridge(IOptions<StreamingOptions> options, TimeProvider timeProvider)
{
    public async Task RunAsync(StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;
        var protocols = StreamRequest.SubProtocols(http.Request.Headers.SecWebSocketProtocol)
            .Where(p => p.StartsWith(StreamProtocols.SpdyTunnelPrefix, StringComparison.Ordinal) && p.EndsWith(".k8s.io", StringComparison.Ordinal))
            .Select(p => p[StreamProtocols.SpdyTunnelPrefix.Length..])
            .ToArray();
        using var response = await KubeletUpgrade.OpenAsync(stream.Invoker, stream.Target, HttpMethod.Post, stream.KubeletPathAndQuery, protocols, stream.ForwardedFor, http.RequestAborted);
        if (response.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
        {
            await KubeletResponses.WriteErrorAsync(http, stream.Target, response);
            return;
        }

        var negotiated = response.Headers.TryGetValues("X-Stream-Protocol-Version", out var values) ? values.FirstOrDefault() : null;
        await using var upstream = await response.Content.ReadAsStreamAsync(http.RequestAborted);
        // .NET refuses sub-protocol names with a '/', which this one has: name it in the response header ourselves.
        http.Response.Headers.SecWebSocketProtocol = StreamProtocols.SpdyTunnelPrefix + (negotiated ?? protocols.FirstOrDefault() ?? StreamProtocols.PortForwardV1);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await using var client = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false);
        stream.Tracker.Started("tunnel-bridged");
        // Ended by the session guard: the kubelet's side is cut first, so the client's WebSocket is still open to be
        // told why (a 1008 close with the reason) before the rest is cut.
        await using var guarded = stream.Session?.Ending.Register(() => upstream.Dispose());
        var result = await DuplexPump.RunAsync(client, upstream, options.Value.IdleTimeout, timeProvider, stream.ClosingExceptGuard,
            () => GatewayClose.TryCloseAsync(socket, stream, timeProvider));
        if (stream.EndedByGateway is null && socket.State == WebSocketState.Open)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        stream.Tracker.Finished(result);
    }
}
