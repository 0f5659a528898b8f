using ApiProxyGateway.Forwarding;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Upstreams;
using Yarp.ReverseProxy.Forwarder;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Shapes a proxied exchange as kube-apiserver's proxy does: the request goes to the target path (escaped as Go
/// escapes it) with the target's own Host, no client credentials and <c>X-Forwarded-For/Host/Proto/Uri</c> set; the
/// response loses the headers its <c>Connection</c> header names, and has same-host <c>Location</c> headers and HTML
/// links moved under the proxy path, CORS headers removed, and a redirect in answer to an upgrade turned into an error.
/// </summary>
internal sealed class ProxyTransformer(ProxyTarget target, string proxyPrefix, string proxyPath) : HttpTransformer
{
    private static readonly string[] CorsHeaders = ["Access-Control-Allow-Credentials", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Origin"];

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var escapedPath = UrlPath.Escape(proxyPath.Length == 0 ? "/" : proxyPath);
        proxyRequest.RequestUri = UpstreamUri.Create(destinationPrefix, escapedPath, httpContext.Request.QueryString.Value);
        // The target's authority, as kube-apiserver's UseLocationHost, never the client's; with the port even when it
        // is the scheme's default (HttpClient would leave it out), as Go sends it.
        proxyRequest.Headers.Host = target.Kubelet is null ? target.HostHeader : null;
        RequestHeaderSanitizer.Apply(httpContext.Request, proxyRequest);
        proxyRequest.Headers.Remove("Cookie");
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", httpContext.Connection.RemoteIpAddress?.ToString());
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", httpContext.Request.Host.ToString());
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Uri", proxyPrefix + (proxyPath.Length == 0 ? "" : escapedPath));
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is null)
        {
            return copyBody;
        }

        ResponseHeaderSanitizer.Apply(proxyResponse, httpContext.Response);
        var status = (int)proxyResponse.StatusCode;
        if (status is >= 300 and < 400 && ForwardedUpgrade.IsUpgrade(httpContext))
        {
            // CVE-2020-8559: a redirect in answer to an upgrade is never followed nor handed on (nor its headers).
            await KubernetesStatus.BadGatewayAsync(httpContext, $"{target.Display} answered the upgrade with a redirect ({status}), which is not permitted");
            return false;
        }

        foreach (var header in CorsHeaders)
        {
            httpContext.Response.Headers.Remove(header);
        }

        // Most answers have neither a Location nor an HTML body: the link rewriter is made only for one that has.
        if (httpContext.Response.Headers.Location.ToString() is { Length: > 0 } location && Links(httpContext).Rewrite(location) is { } rewritten)
        {
            httpContext.Response.Headers.Location = rewritten;
        }

        if (IsRewritableHtml(httpContext.Request, proxyResponse))
        {
            // The body is rewritten as YARP copies it (so its activity timeout and error handling apply); its length
            // changes, so Content-Length goes, as in kube-apiserver.
            httpContext.Response.Headers.ContentLength = null;
            var body = await proxyResponse.Content.ReadAsStreamAsync(cancellationToken);
            proxyResponse.Content = new StreamContent(new HtmlRewritingStream(body, proxyResponse.Content.Headers.ContentEncoding.SingleOrDefault(), Links(httpContext)));
        }

        return copyBody;
    }

    private ProxyLinks Links(HttpContext httpContext) => new(proxyPrefix, target.HostHeader, httpContext.Request.Host.Value ?? "");

    /// <summary>An HTML body in an encoding the rewriter reads (at most one coding); HEAD, 1xx, 204 and 304 have no body.</summary>
    private static bool IsRewritableHtml(HttpRequest request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        return response.Content.Headers.ContentType?.MediaType == "text/html"
            && !HttpMethods.IsHead(request.Method) && status is >= 200 and not 204 and not 304
            && response.Content.Headers.ContentEncoding.Count <= 1
            && HtmlRewritingStream.CanRewrite(response.Content.Headers.ContentEncoding.SingleOrDefault());
    }
}
