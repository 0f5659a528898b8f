using System.Net.WebSockets;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Passes a WebSocket stream to a kubelet that speaks it: the kubelet is asked first with the same
/// subprotocols, and only when it accepts is the client's WebSocket accepted with the protocol the kubelet
/// chose. Messages are relayed as they are, each with its type and boundaries.
/// </summary>
internal sealed class WebSocketRelay(IOptions<StreamingOptions> options, TimeProvider timeProvider)
{
    public async Task RunAsync(StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;
        using var upstream = new ClientWebSocket();
        upstream.Options.HttpVersion = System.Net.HttpVersion.Version11;
        upstream.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        upstream.Options.CollectHttpResponseDetails = true;
        upstream.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var protocol in StreamRequest.SubProtocols(http.Request.Headers.SecWebSocketProtocol))
        {
            upstream.Options.AddSubProtocol(protocol);
        }

        if (stream.ForwardedFor is { } forwardedFor)
        {
            upstream.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        }

        try
        {
            await upstream.ConnectAsync(KubeletClientPool.Uri(stream.Target, stream.KubeletPathAndQuery, "ws"), stream.Invoker, http.RequestAborted);
        }
        catch (WebSocketException) when (upstream.HttpStatusCode != 0)
        {
            var code = (int)upstream.HttpStatusCode;
            var message = code is >= 300 and < 400
                ? $"the {stream.Target.Display} attempted to redirect this request, which is not permitted"
                : $"the {stream.Target.Display} refused the WebSocket stream with status {code}";
            await KubernetesStatus.WriteAsync(http, code is >= 300 and < 400 ? StatusCodes.Status502BadGateway : code, code is >= 300 and < 400 ? "BadGateway" : "BadRequest", message);
            return;
        }

        using var client = await http.WebSockets.AcceptWebSocketAsync(upstream.SubProtocol);
        stream.Tracker.Started(StreamRequest.ProtocolLabel(upstream.SubProtocol));
        // Ended by the session guard: the kubelet's side is cut first, so the client is still open to be told why.
        await using var guarded = stream.Session?.Ending.Register(upstream.Abort);
        var base64 = upstream.SubProtocol is { } chosen && Protocols.Kubernetes.StreamProtocols.IsBase64(chosen);
        stream.Tracker.Finished(await WebSocketMessagePump.RunAsync(client, upstream, options.Value.IdleTimeout, timeProvider, stream.ClosingExceptGuard,
            () => GatewayClose.TryCloseAsync(client, stream, timeProvider),
            stream.Recording is { } recording ? new Recording.ChannelMessageRecorder(recording, base64, fromClient: true) : null,
            stream.Recording is { } recorded ? new Recording.ChannelMessageRecorder(recorded, base64, fromClient: false) : null));
    }
}
