using ApiProxyGateway.Kubernetes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Relays a SPDY/3.1 stream (exec, attach, port-forward) byte for byte after the kubelet's 101. Nothing is
/// tunnelled before it; any other answer becomes a Status and the upstream connection is dropped.
/// </summary>
internal sealed class SpdyRelay(IOptions<StreamingOptions> options, TimeProvider timeProvider, ILogger<SpdyRelay> logger)
{
    public async Task RunAsync(StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            await KubernetesStatus.BadRequestAsync(http, "SPDY/3.1 streams need an HTTP/1.1 upgrade request");
            return;
        }

        var protocols = StreamRequest.SubProtocols(http.Request.Headers["X-Stream-Protocol-Version"]);
        var method = HttpMethods.IsGet(http.Request.Method) ? HttpMethod.Get : HttpMethod.Post;
        using var response = await KubeletUpgrade.OpenAsync(stream.Invoker, stream.Target, method, stream.KubeletPathAndQuery, protocols, stream.ForwardedFor, http.RequestAborted);
        if (response.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
        {
            await KubeletResponses.WriteErrorAsync(http, stream.Target, response);
            return;
        }

        await using var upstream = await response.Content.ReadAsStreamAsync(http.RequestAborted);
        http.Response.Headers.Connection = "Upgrade";
        http.Response.Headers.Upgrade = "SPDY/3.1";
        if (response.Headers.TryGetValues("X-Stream-Protocol-Version", out var negotiated))
        {
            http.Response.Headers["X-Stream-Protocol-Version"] = negotiated.FirstOrDefault();
        }

        await using var client = await upgrade.UpgradeAsync();
        var result = await DuplexPump.RunAsync(client, upstream, options.Value.IdleTimeout, timeProvider, http.RequestAborted);
        StreamingLog.StreamEnded(logger, stream.Subresource, "spdy", stream.Pod.Namespace, stream.Pod.Name, stream.Node.Name, result.BytesFromClient, result.BytesToClient, result.EndedBy);
    }
}
