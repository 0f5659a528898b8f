using ApiProxyGateway.Kubelets;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Streams a container log from the kubelet, flushing what has arrived as soon as it has (the lines already there in one
/// piece: <see cref="DuplexPump.CoalescingCopyAsync"/>). A followed log may stay quiet
/// up to the streaming idle timeout, and a slow reader is not cut by Kestrel's minimum data rate.
/// </summary>
internal sealed class LogRelay(IOptions<StreamingOptions> options, IOptions<KubeletOptions> kubeletOptions, KubeletClientPool kubelets, TimeProvider timeProvider)
{
    public async Task RunAsync(StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var http = stream.Http;

        // Over the kubelet's HTTP/2 pool, as kube-apiserver reads logs: thousands of followed logs then share a few
        // connections rather than holding a TLS connection each (Kubelet:Http2=false: the HTTP/1.1 pool).
        var http2 = kubeletOptions.Value.Http2;
        using var request = new HttpRequestMessage(HttpMethod.Get, KubeletClientPool.Uri(stream.Target, stream.KubeletPathAndQuery, http2 ? Uri.UriSchemeHttps : Uri.UriSchemeHttp))
        {
            Version = http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            VersionPolicy = http2 ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact,
        };
        if (stream.ForwardedFor is { } forwardedFor)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        using var response = await (http2 ? kubelets.GetHttp2Invoker(stream.Target) : stream.Invoker).SendAsync(request, http.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            await KubeletResponses.WriteErrorAsync(http, stream.Target, response);
            return;
        }

        http.Features.Get<IHttpMinResponseDataRateFeature>()?.MinDataRate = null;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "text/plain";
        // The headers go now, not with the first line: a followed log of a quiet container is open all the same.
        await http.Response.Body.FlushAsync(http.RequestAborted);
        await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted);
        stream.Tracker.Started("http");
        stream.Tracker.Finished(await DuplexPump.CopyAsync(body, http.Response.Body, options.Value.IdleTimeout, timeProvider, stream.Closing));
        if (stream.EndedByGateway is not null)
        {
            // A log has no place for a reason: ended by the gateway (drain, session guard), it must not look like the
            // container's log coming to its end. The stream is reset, so the client reports an error and exits non-zero.
            http.Abort();
        }
    }
}
