using System.Net.Http.Headers;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Upstreams;
using Yarp.ReverseProxy.Forwarder;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Copies the caller's request for the API server (YARP's base copy: headers, query) to the classified path, then
/// removes every client-supplied identity header and adds the gateway's own credentials and the identity to act as;
/// the response loses the headers the API server's <c>Connection</c> header names. The headers of a watch or a
/// followed log are sent at once, as the API server sends them: YARP would hold them until the first body bytes, and
/// a client waiting for its watch to open would wait for the first event. A watch's events are read through a
/// <see cref="WatchEndingStream"/> when <paramref name="watchEnds"/> can end it (the drain period's end). Over HTTP/2
/// (<paramref name="http2"/>) the impersonation headers are added as they are, not as placeholder lines
/// (<see cref="ImpersonationHeaders.Apply"/>).
/// </summary>
internal sealed class ApiServerTransformer(KubernetesUser effectiveUser, string? bearerToken, string escapedPath, bool http2, bool streamsEvents, CancellationToken watchEnds = default) : HttpTransformer
{
    /// <summary>The watch's event stream, once the API server has accepted a watch in a framing the gateway can end between events.</summary>
    public WatchEndingStream? Watch { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        // The path the API server will decode is exactly the one the gateway classified, and the Host is its own.
        proxyRequest.RequestUri = UpstreamUri.Create(destinationPrefix, escapedPath, httpContext.Request.QueryString.Value);
        proxyRequest.Headers.Host = null;

        RequestHeaderSanitizer.Apply(httpContext.Request, proxyRequest);
        if (httpContext.Connection.RemoteIpAddress is { } remote)
        {
            // The API server records X-Forwarded-For as the source IPs of its audit events: only what we saw.
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }

        if (bearerToken is not null)
        {
            proxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        ImpersonationHeaders.Apply(proxyRequest.Headers, effectiveUser, http2);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is not null)
        {
            ResponseHeaderSanitizer.Apply(proxyResponse, httpContext.Response);
            if (copyBody && streamsEvents && proxyResponse.IsSuccessStatusCode)
            {
                // StartAsync alone only buffers the headers in Kestrel; a flush sends them. Not with the request's token:
                // YARP clears the response when this method throws, which a started response cannot survive.
                await httpContext.Response.Body.FlushAsync(CancellationToken.None);
            }

            if (copyBody && watchEnds.CanBeCanceled && proxyResponse.IsSuccessStatusCode && Framing(proxyResponse.Content.Headers.ContentType) is { } lengthPrefixed)
            {
                // YARP reads the body from the response's content after this method: the API server's, behind the wrapper.
                var original = proxyResponse.Content;
                Watch = new WatchEndingStream(await original.ReadAsStreamAsync(cancellationToken), lengthPrefixed, watchEnds);
                var wrapped = new StreamContent(Watch);
                foreach (var (name, values) in original.Headers)
                {
                    wrapped.Headers.TryAddWithoutValidation(name, values);
                }

                proxyResponse.Content = wrapped;
            }
        }

        return copyBody;
    }

    /// <summary>How a watch's events are framed: a newline (JSON, Table included) or a length (protobuf); null for anything else.</summary>
    private static bool? Framing(MediaTypeHeaderValue? contentType) => contentType?.MediaType switch
    {
        "application/json" => false,
        "application/vnd.kubernetes.protobuf" => true,
        _ => null,
    };
}
