using System.Net.WebSockets;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// kube-apiserver's tunneling handler (1.31+) for kubelets that do not speak the WebSocket tunnel: a SPDY upgrade
/// (POST) to the kubelet first; on its 101 the client's WebSocket is accepted as <c>SPDY/3.1+portforward.k8s.io</c> and
/// its binary messages carry the SPDY bytes both ways, unparsed. Any other kubelet answer is passed back.
/// </summary>
internal static class PortForwardTunnel
{
    public static async Task RunAsync(HttpContext http, HttpMessageInvoker invoker, Uri uri, Uri kubelet)
    {
        HttpResponseMessage response;
        try
        {
            response = await KubeletUpgrade.SpdyAsync(invoker, uri, [StreamProtocols.PortForwardV1], http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            await ApiResponses.WriteStatusAsync(http, 500, "InternalError", $"error dialing backend: {KubeletErrors.Describe(e, kubelet)}");
            return;
        }

        using (response)
        {
            if (response.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
            {
                http.Response.StatusCode = (int)response.StatusCode;
                await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
                return;
            }

            var upstream = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            var negotiated = response.Headers.TryGetValues(StreamProtocols.ProtocolVersionHeader, out var values) ? values.First() : StreamProtocols.PortForwardV1;
            using var socket = await ServerUpgrade.AcceptWebSocketAsync(http, StreamProtocols.SpdyTunnelPrefix + negotiated);
            var client = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false);
            await DuplexRelay.RunAsync(client, upstream, CancellationToken.None);
        }
    }
}
