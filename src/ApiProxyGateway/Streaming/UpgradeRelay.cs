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

        // Ended by the session guard, the stream is sealed at a frame boundary and the client told why (see PassthroughSeal).
        var framing = PassthroughFraming.For(stream.Subresource, token, ChosenProtocol(token, response) ?? "", KubeletPaths.PortCount(http.Request.Query), stream.Recording);
        using var seal = new PassthroughSeal(framing, client, upstream, timeProvider);
        await using var guarded = stream.Session is { } session ? seal.EndOn(session.Ending) : default;
        stream.Tracker.Finished(await DuplexPump.RunAsync(client, upstream, options.Value.IdleTimeout, timeProvider, stream.ClosingExceptGuard,
            () => stream.EndedByGateway is { } end ? seal.FarewellAsync(end.Message) : Task.FromResult(false), seal));
    }

    /// <summary>The protocol the kubelet chose: its WebSocket sub-protocol, or its X-Stream-Protocol-Version for SPDY.</summary>
    private static string? ChosenProtocol(string upgrade, HttpResponseMessage response) =>
        response.Headers.TryGetValues(
            string.Equals(upgrade, StreamProtocols.WebSocketUpgrade, StringComparison.OrdinalIgnoreCase) ? StreamProtocols.WebSocketProtocolHeader : StreamProtocols.ProtocolVersionHeader,
            out var chosen) ? chosen.FirstOrDefault() : null;

    /// <summary>The metrics label: spdy, or the WebSocket sub-protocol the kubelet chose (one of a fixed few labels).</summary>
    private static string ProtocolLabel(string upgrade, HttpResponseMessage response) =>
        !string.Equals(upgrade, StreamProtocols.WebSocketUpgrade, StringComparison.OrdinalIgnoreCase) ? "spdy" : StreamRequest.ProtocolLabel(ChosenProtocol(upgrade, response));
}
