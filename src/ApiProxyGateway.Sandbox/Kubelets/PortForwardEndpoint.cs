using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// <c>/portForward/NS/POD[/UID]</c>: SPDY/3.1 (<c>portforward.k8s.io</c>) on every node, and kubectl's WebSocket tunnel
/// (<c>SPDY/3.1+portforward.k8s.io</c>) where the node declares <c>ExtendWebSocketsToKubelet</c>. Each stream pair is
/// connected to the pod IP and the port in its headers; a refused connection is reported on the error stream.
/// </summary>
internal sealed class PortForwardEndpoint(KubeletContext kubelet)
{
    private static readonly string[] SpdyProtocols = [StreamProtocols.PortForwardV1];

    public async Task HandleAsync(HttpContext http, KubeletRoute route)
    {
        if (await PodRequests.FindPodAsync(http, kubelet.Runtime, route) is not { } pod)
        {
            return;
        }

        var request = http.Request;
        if (UpgradeRequest.IsWebSocket(request) && !(kubelet.WebSocketsExtended && SpdyWebSocketTunnel.SelectProtocol(request.Headers.SecWebSocketProtocol) is not null))
        {
            await LegacyWebSocketAsync(http, pod);
            return;
        }

        SpdySession session;
        if (UpgradeRequest.IsWebSocket(request))
        {
            var socket = await ServerUpgrade.AcceptWebSocketAsync(http, StreamProtocols.PortForwardWebSocketTunnel);
            session = SpdySession.CreateServer(SpdyWebSocketTunnel.AsStream(socket));
        }
        else if (await StreamNegotiation.NegotiateAsync(http, SpdyProtocols, []) is { } negotiated)
        {
            session = await ServerUpgrade.AcceptSpdyAsync(http, negotiated.Protocol);
        }
        else
        {
            return;
        }

        KubeletLog.Streaming(kubelet.Logger, kubelet.NodeName, "portForward", pod.Context.ToString(), "", UpgradeRequest.IsWebSocket(request) ? "websocket-tunnel" : "spdy");
        await using (session)
        {
            await ServeAsync(session, pod.Context, http.RequestAborted);
        }
    }

    /// <summary>Any other WebSocket goes to the CRI's legacy port-forward, which needs <c>?port=</c> and knows no tunnel.</summary>
    private async Task LegacyWebSocketAsync(HttpContext http, RunningPod pod)
    {
        var (ports, error) = LegacyPortForwardSession.ParsePorts(http.Request.Query["port"]);
        if (ports is null)
        {
            await KubeletResponses.TextAsync(http, 400, error!); // ! ParsePorts gives an error whenever it gives no ports
            return;
        }

        if (await StreamNegotiation.NegotiateAsync(http, [], LegacyPortForwardSession.Protocols) is not { } negotiated)
        {
            return;
        }

        KubeletLog.Streaming(kubelet.Logger, kubelet.NodeName, "portForward", pod.Context.ToString(), "", "websocket " + negotiated.Protocol);
        using var socket = await ServerUpgrade.AcceptWebSocketAsync(http, negotiated.Protocol);
        await LegacyPortForwardSession.RunAsync(socket, negotiated.Protocol, ports, pod.Context, http.RequestAborted);
    }

    private static async Task ServeAsync(SpdySession session, PodContext pod, CancellationToken aborted)
    {
        await using var forwarder = PortForwardServer.Start(session);
        var connections = new List<Task>();
        try
        {
            while (await forwarder.AcceptAsync(aborted) is { } pair)
            {
                connections.Add(ForwardAsync(pair, pod, aborted));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private static async Task ForwardAsync(PortForwardStreamPair pair, PodContext pod, CancellationToken aborted)
    {
        await using (pair)
        {
            var address = IPAddress.Parse(pod.Ip);
            using var socket = pod.Network.CreateSocket(address.AddressFamily);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await socket.ConnectAsync(address, pair.Port, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                var reason = e is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connect: connection refused" : e.Message;
                await TryAsync(() => pair.WriteErrorAsync($"error forwarding port {pair.Port} to pod {pod.Name}_{pod.Namespace}, uid {pod.Uid}: dial tcp {pod.Ip}:{pair.Port}: {reason}", CancellationToken.None));
                return;
            }

            await TryAsync(() => pair.ForwardAsync(socket, aborted));
        }
    }

    private static async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or SpdyProtocolException)
        {
            // This connection is over; the others carry on.
        }
    }
}
