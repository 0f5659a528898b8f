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
/// a client waiting for its watch to open would wait for the first event.
/// </summary>
internal sealed class ApiServerTransformer(KubernetesUser effectiveUser, string? bearerToken, string escapedPath, bool streamsEvents) : HttpTransformer
{
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

        ImpersonationHeaders.Apply(proxyRequest.Headers, effectiveUser);
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
        }

        return copyBody;
    }
}
