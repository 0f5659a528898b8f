using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Upstreams;
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
        using var request = new HttpRequestMessage(method, KubeletClientPool.Uri(stream.Target, stream.KubeletPathAndQuery))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", token);
        foreach (var name in ForwardedRequestHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var values))
            {
                request.Headers.TryAddWithoutValidation(name, values.ToString());
            }
        }

        foreach (var version in StreamRequest.SubProtocols(http.Request.Headers["X-Stream-Protocol-Version"]))
        {
            HeaderLines.Add(request.Headers, "X-Stream-Protocol-Version", version);
        }

        if (stream.ForwardedFor is { } forwardedFor)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        using var response = await stream.Invoker.SendAsync(request, http.RequestAborted);
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
        stream.Tracker.Started(string.Equals(token, "websocket", StringComparison.OrdinalIgnoreCase)
            ? StreamRequest.ProtocolLabel(response.Headers.TryGetValues("Sec-WebSocket-Protocol", out var chosen) ? chosen.FirstOrDefault() : null)
            : "spdy");
        stream.Tracker.Finished(await DuplexPump.RunAsync(client, upstream, options.Value.IdleTimeout, timeProvider, stream.Closing));
    }
}
