using ApiProxyGateway.Audit;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Upstreams;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Chooses the relay for a client protocol and a kubelet: kubelets that declare <c>ExtendWebSocketsToKubelet</c>
/// get WebSockets as they are; older kubelets get SPDY, with the WebSocket port-forward tunnel bridged and
/// WebSocket v5 exec/attach translated to SPDY. Legacy WebSocket protocols go to any kubelet.
/// </summary>
internal sealed class StreamRelays(LogRelay logs, UpgradeRelay upgrades, WebSocketRelay webSockets, PortForwardTunnelBridge tunnel, RemoteCommandTranslator translator, GatewayMetrics metrics, AuditRecorder audit, KubeletClientPool kubelets, TimeProvider timeProvider, ILogger<StreamRelays> logger)
{
    public async Task RunAsync(StreamContext stream, ClientStreamProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;
        stream.Tracker = new StreamTracker(metrics, audit, kubelets, timeProvider, logger, stream);
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
                    await upgrades.RunAsync(stream);
                    break;
                case (PodSubresource.PortForward, ClientStreamProtocol.WebSocketTunnel) when !stream.Node.SpeaksWebSockets || !IsUpgradable(http):
                    await tunnel.RunAsync(stream);
                    break;
                case (PodSubresource.Exec or PodSubresource.Attach, ClientStreamProtocol.WebSocketV5) when !stream.Node.SpeaksWebSockets || !IsUpgradable(http):
                    await translator.RunAsync(stream);
                    break;
                case (not PodSubresource.PortForward, ClientStreamProtocol.WebSocketTunnel):
                    await KubernetesStatus.BadRequestAsync(http, $"the WebSocket protocol {StreamProtocols.PortForwardWebSocketTunnel} applies to port-forward only");
                    break;
                case (_, _) when IsUpgradable(http):
                    // Any other HTTP/1.1 WebSocket goes to the kubelet byte for byte, handshake included, as
                    // kube-apiserver passes it: the kubelet chooses among the offered protocols (its port-forward takes
                    // v4.channel.k8s.io, v4.base64.channel.k8s.io or none, whatever else a client offers first).
                    await upgrades.RunAsync(stream);
                    break;
                default:
                    // A WebSocket over HTTP/2 cannot be relayed as bytes: it is accepted here and re-originated.
                    await webSockets.RunAsync(stream);
                    break;
            }
        }
        catch (Exception e) when (UpstreamErrors.Find<UpstreamRequestRefusedException>(e) is { } refused && !http.Response.HasStarted)
        {
            // Also when ClientWebSocket wrapped it in a WebSocketException.
            await KubernetesStatus.BadRequestAsync(http, refused.Message);
        }
        catch (Exception e) when (UpstreamErrors.Find<UpstreamConnectException>(e) is { } failure && !http.Response.HasStarted)
        {
            StreamingLog.KubeletUnreachable(logger, stream.Subresource, stream.Pod.Namespace, stream.Pod.Name, failure.Message);
            await KubeletResponses.WriteConnectFailureAsync(http, failure);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException && !http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            StreamingLog.KubeletUnreachable(logger, stream.Subresource, stream.Pod.Namespace, stream.Pod.Name, e.Message);
            await Kubernetes.KubernetesStatus.WriteAsync(http, StatusCodes.Status504GatewayTimeout, "Timeout", $"the {stream.Target.Display} did not answer in time or dropped the connection");
        }
        finally
        {
            stream.Tracker.Abandoned();
        }
    }

    private static bool IsUpgradable(HttpContext http) =>
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() is { IsUpgradableRequest: true };
}
