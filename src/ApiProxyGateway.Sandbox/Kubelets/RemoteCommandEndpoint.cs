using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Sandbox.Streaming;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// <c>/exec</c> and <c>/attach</c> (GET or POST, with or without the pod UID): SPDY/3.1 on every node; WebSocket
/// <c>v5.channel.k8s.io</c> only where the node declares <c>ExtendWebSocketsToKubelet</c>; the legacy WebSocket
/// protocols of the CRI streaming server everywhere. A UID that is not the running pod's gives 404.
/// </summary>
internal sealed class RemoteCommandEndpoint(KubeletContext kubelet)
{
    /// <summary>What the CRI streaming server negotiates over SPDY (it has no v5).</summary>
    private static readonly string[] SpdyProtocols = [StreamProtocols.RemoteCommandV4, StreamProtocols.RemoteCommandV3, StreamProtocols.RemoteCommandV2, StreamProtocols.RemoteCommandV1];

    /// <summary>The CRI streaming server's WebSocket protocols ("" = none offered: binary channels).</summary>
    private static readonly string[] LegacyWebSocketProtocols =
        ["", StreamProtocols.RemoteCommandV1, StreamProtocols.RemoteCommandBase64V1, StreamProtocols.RemoteCommandV4, StreamProtocols.RemoteCommandBase64V4];

    private static readonly TimeSpan StreamCreationTimeout = TimeSpan.FromSeconds(30);

    public async Task HandleAsync(HttpContext http, KubeletRoute route)
    {
        var query = http.Request.Query;
        var options = new RemoteCommandOptions
        {
            Stdin = query["input"] == "1",
            Stdout = query["output"] == "1",
            Stderr = query["error"] == "1",
            Tty = query["tty"] == "1",
        };
        var command = query["command"].Select(c => c ?? "").ToList();
        if (!options.Stdin && !options.Stdout && !options.Stderr)
        {
            await KubeletResponses.TextAsync(http, 400, "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }

        if (route.Endpoint == KubeletEndpoint.Exec && command.Count == 0)
        {
            await KubeletResponses.TextAsync(http, 400, "you must specify at least one command for the container");
            return;
        }

        if (await PodRequests.FindContainerAsync(http, kubelet.Runtime, route) is not { } found)
        {
            return;
        }

        IReadOnlyList<string> webSocket = kubelet.WebSocketsExtended ? [StreamProtocols.RemoteCommandV5, .. LegacyWebSocketProtocols] : LegacyWebSocketProtocols;
        if (await StreamNegotiation.NegotiateAsync(http, SpdyProtocols, webSocket) is not { } negotiated)
        {
            return;
        }

        KubeletLog.Streaming(kubelet.Logger, kubelet.NodeName, route.Endpoint.ToString(), found.Pod.Context.ToString(), found.Container.Name, negotiated.Protocol);
        if (negotiated.IsWebSocket)
        {
            using var socket = await ServerUpgrade.AcceptWebSocketAsync(http, negotiated.Protocol);
            await using var remote = await RemoteCommandServer.AcceptWebSocketAsync(socket, negotiated.Protocol, options, waitForClientClose: false, http.RequestAborted); // as the kubelet's x/net/websocket
            await RunAsync(remote, route, found, command, http.RequestAborted);
            return;
        }

        await using var session = await ServerUpgrade.AcceptSpdyAsync(http, negotiated.Protocol);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        _ = session.Completion.ContinueWith(_ => gone.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await using var remote = await RemoteCommandServer.AcceptSpdyAsync(session, negotiated.Protocol, options, StreamCreationTimeout, kubelet.TimeProvider, gone.Token);
            await RunAsync(remote, route, found, command, gone.Token);
            await WaitForClientAsync(session);
        }
        catch (Exception e) when (e is TimeoutException or IOException or OperationCanceledException or SpdyProtocolException)
        {
            // The client never opened its streams, or went away mid-command.
        }
    }

    private Task RunAsync(RemoteCommandServer remote, KubeletRoute route, (RunningPod Pod, ContainerSupervisor Container) found, List<string> command, CancellationToken clientGone) =>
        route.Endpoint == KubeletEndpoint.Exec
            ? ExecSession.RunAsync(remote, found.Pod, found.Container, command, kubelet.Registry, clientGone)
            : AttachSession.RunAsync(remote, found.Container, clientGone);

    /// <summary>The client hangs up once it has read everything; closing first could lose output.</summary>
    private static async Task WaitForClientAsync(SpdySession session)
    {
        try
        {
            await session.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or IOException or SpdyProtocolException)
        {
        }
    }
}
