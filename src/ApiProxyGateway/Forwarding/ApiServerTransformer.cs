using System.Net.Http.Headers;
using ApiProxyGateway.Authentication;
using Yarp.ReverseProxy.Forwarder;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Copies the caller's request for the API server (YARP's base copy: headers, path, query), then removes every
/// client-supplied identity header and adds the gateway's own credentials and the identity to act as.
/// </summary>
internal sealed class ApiServerTransformer(KubernetesUser effectiveUser, string? bearerToken) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

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
}
