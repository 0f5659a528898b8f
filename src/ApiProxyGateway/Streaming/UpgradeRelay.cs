using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Protocols.Kubernetes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Relays an HTTP/1.1 upgrade (SPDY/3.1, or a WebSocket to a kubelet that speaks it) byte for byte after the
/// kubelet's 101, keeping the client's method (POST stays POST, unlike YARP's upgrade path, so the kubelet
/// authorizes the gateway with <c>create</c>) and sending each <c>X-Stream-Protocol-Version</c> on its own line.
/// Nothing is tunnelled before the 101; any other answer becomes a Status and the upstream connection is dropped.
/// </summary>
internal sealed class UpgradeRelay(IOptions<StreamingOptions> options, TimeProvider timeProvider)
{
    // Request headers that define the upgraded protocol and go to the kubelet as they are; everything else stays here.
    private static readonly string[] ForwardedRequestHeaders =
        ["Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "User-Agent"];

    private static readonly string[] ReturnedResponseHeaders =
        ["Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "X-Stream-Protocol-Version"];

    public async Task RunAsync(StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            await KubernetesStatus.BadRequestAsync(http, "this stream needs an HTTP/1.1 upgrade request");
            return;
        }

        var token = http.Request.Headers.Upgrade.ToString();
        var method = HttpMethods.IsGet(http.Request.Method) ? HttpMethod.Get : HttpMethod.Post;
        var protocolHeaders = ForwardedRequestHeaders
            .Where(name => http.Request.Headers.ContainsKey(name))
            .Select(name => KeyValuePair.Create(name, http.Request.Headers[name].ToString()));
        using var response = await KubeletUpgrade.OpenAsync(
            stream.Invoker, stream.Target, method, stream.KubeletPathAndQuery, token,
            StreamRequest.SubProtocols(http.Request.Headers[StreamProtocols.ProtocolVersionHeader]), protocolHeaders, stream.ForwardedFor, http.RequestAborted);
        if (response.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
        {
            await KubeletResponses.WriteErrorAsync(http, stream.Target, response);
            return;
        }

        await using var upstream = await response.Content.ReadAsStreamAsync(http.RequestAborted);
        http.Response.Headers.Connection = "Upgrade";
        http.Response.Headers.Upgrade = response.Headers.Upgrade.ToString() is { Length: > 0 } accepted ? accepted : token;
        foreach (var name in ReturnedResponseHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                http.Response.Headers[name] = values.ToArray();
            }
        }

        await using var client = await upgrade.UpgradeAsync();
        stream.Tracker.Started(ProtocolLabel(token, response));
        if (!string.Equals(token, StreamProtocols.WebSocketUpgrade, StringComparison.OrdinalIgnoreCase))
        {
            // SPDY carries no reason a client prints: a stream the gateway ends is cut.
            stream.Tracker.Finished(await DuplexPump.RunAsync(client, upstream, options.Value.IdleTimeout, timeProvider, stream.Closing));
            return;
        }

        // A WebSocket the gateway ends (drain, session guard) loses the kubelet's side first; between two of the
        // kubelet's frames the client is then told why: a Status on the error channel for a command, and a close.
        var frames = new WebSocketFrameTracker(client);
        var subprotocol = response.Headers.TryGetValues(StreamProtocols.WebSocketProtocolHeader, out var chosen) ? chosen.FirstOrDefault() : null;
        await using var guarded = stream.Session?.Ending.Register(() => upstream.Dispose());
        stream.Tracker.Finished(await DuplexPump.RunAsync(frames, upstream, options.Value.IdleTimeout, timeProvider, stream.ClosingExceptGuard,
            () => TellAsync(frames, stream, subprotocol)));
    }

    private static async Task TellAsync(WebSocketFrameTracker client, StreamContext stream, string? subprotocol)
    {
        if (stream.EndedByGateway is not { } end || !client.AtBoundary || client.CloseSent)
        {
            return;
        }

        var command = stream.Subresource is PodSubresource.Exec or PodSubresource.Attach ? ErrorChannel.Failure(subprotocol, end.Message) : null;
        var reason = System.Text.Encoding.UTF8.GetBytes(GatewayClose.Reason(end.Message));
        var close = new byte[2 + reason.Length];
        // After a Status the close is a normal one: client-go reads the error channel to its end and prints the Status.
        var code = command is null ? GatewayClose.Status(end) : System.Net.WebSockets.WebSocketCloseStatus.NormalClosure;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(close, (ushort)code);
        reason.CopyTo(close, 2);
        byte[] frames = command is var (payload, type)
            ? [.. WebSocketFrameTracker.Frame(type == System.Net.WebSockets.WebSocketMessageType.Text ? (byte)0x1 : (byte)0x2, payload), .. WebSocketFrameTracker.Frame(0x8, close)]
            : WebSocketFrameTracker.Frame(0x8, close);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.WriteOwnAsync(frames, deadline.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone already.
        }
    }

    /// <summary>The metrics label: spdy, or the WebSocket sub-protocol the kubelet chose (one of a fixed few labels).</summary>
    private static string ProtocolLabel(string upgrade, HttpResponseMessage response) =>
        !string.Equals(upgrade, StreamProtocols.WebSocketUpgrade, StringComparison.OrdinalIgnoreCase) ? "spdy"
            : StreamRequest.ProtocolLabel(response.Headers.TryGetValues(StreamProtocols.WebSocketProtocolHeader, out var chosen) ? chosen.FirstOrDefault() : null);
}
