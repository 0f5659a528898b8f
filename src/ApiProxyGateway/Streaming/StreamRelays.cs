using ApiProxyGateway.Kubernetes;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Chooses the relay for a client protocol and a kubelet: kubelets that declare <c>ExtendWebSocketsToKubelet</c>
/// get WebSockets as they are; older kubelets get SPDY, with the WebSocket port-forward tunnel bridged and
/// WebSocket v5 exec/attach answered so kubectl falls back to SPDY. Legacy WebSocket protocols go to any kubelet.
/// </summary>
internal sealed class StreamRelays(LogRelay logs, UpgradeRelay upgrades, WebSocketRelay webSockets, PortForwardTunnelBridge tunnel, ILogger<StreamRelays> logger)
{
    public async Task RunAsync(StreamContext stream, ClientStreamProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;
        try
        {
            switch (stream.Subresource, protocol)
            {
                case (PodSubresource.Log, _):
                    await logs.RunAsync(stream);
                    break;
                case (_, ClientStreamProtocol.None):
                    await KubernetesStatus.BadRequestAsync(http, "Upgrade request required");
                    break;
                case (_, ClientStreamProtocol.Spdy):
                    await upgrades.RunAsync(stream, "spdy");
                    break;
                case (PodSubresource.PortForward, ClientStreamProtocol.WebSocketTunnel) when !stream.Node.SpeaksWebSockets || !IsUpgradable(http):
                    await tunnel.RunAsync(stream);
                    break;
                case (_, ClientStreamProtocol.WebSocketV5 or ClientStreamProtocol.WebSocketTunnel) when !stream.Node.SpeaksWebSockets:
                    // kubectl retries with SPDY on any non-101 answer, without showing this to the user.
                    await KubernetesStatus.BadRequestAsync(http, $"the kubelet on node \"{stream.Node.Name}\" does not accept WebSocket streams; use SPDY/3.1");
                    break;
                case (_, _) when IsUpgradable(http):
                    // An HTTP/1.1 WebSocket goes to the kubelet byte for byte, handshake included.
                    await upgrades.RunAsync(stream, "websocket");
                    break;
                default:
                    // A WebSocket over HTTP/2 cannot be relayed as bytes: it is accepted here and re-originated.
                    await webSockets.RunAsync(stream);
                    break;
            }
        }
        catch (Exception e) when (KubeletResponses.FindConnectFailure(e) is { } failure && !http.Response.HasStarted)
        {
            StreamingLog.KubeletUnreachable(logger, stream.Subresource, stream.Pod.Namespace, stream.Pod.Name, failure.Message);
            await KubeletResponses.WriteConnectFailureAsync(http, failure);
        }
    }

    private static bool IsUpgradable(HttpContext http) =>
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() is { IsUpgradableRequest: true };
}
