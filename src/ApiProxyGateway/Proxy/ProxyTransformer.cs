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
internal sealed class ProxyTransformer(ProxyTarget target, string proxyPrefix, string proxyPath, int maxRewrittenHtmlBytes) : HttpTransformer
{
    private static readonly string[] CorsHeaders = ["Access-Control-Allow-Credentials", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Origin"];

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var escapedPath = UrlPath.Escape(proxyPath.Length == 0 ? "/" : proxyPath);
        proxyRequest.RequestUri = UpstreamUri.Create(destinationPrefix, escapedPath, httpContext.Request.QueryString.Value);
        proxyRequest.Headers.Host = null; // the target's authority, as kube-apiserver's UseLocationHost; never the client's
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
        if (status is >= 300 and < 400 && httpContext.Request.Headers.Upgrade.Count > 0)
        {
            // CVE-2020-8559: a redirect in answer to an upgrade is never followed nor handed on.
            httpContext.Response.Headers.Clear();
            await KubernetesStatus.BadGatewayAsync(httpContext, $"{target.Display} answered the upgrade with a redirect ({status}), which is not permitted");
            return false;
        }

        foreach (var header in CorsHeaders)
        {
            httpContext.Response.Headers.Remove(header);
        }

        var links = new ProxyLinks(proxyPrefix, $"{target.Address}:{target.Port}", httpContext.Request.Host.Value ?? "");
        if (httpContext.Response.Headers.Location.ToString() is { Length: > 0 } location && links.Rewrite(location) is { } rewritten)
        {
            httpContext.Response.Headers.Location = rewritten;
        }

        if (proxyResponse.Content.Headers.ContentType?.MediaType == "text/html" && status != 101
            && HtmlLinkRewriter.CanRewrite(proxyResponse.Content.Headers.ContentEncoding.FirstOrDefault())
            && (proxyResponse.Content.Headers.ContentLength ?? 0) <= maxRewrittenHtmlBytes)
        {
            return !await RewriteHtmlAsync(httpContext, proxyResponse, links, cancellationToken);
        }

        return copyBody;
    }

    /// <summary>
    /// Reads the page up to the limit and writes it with rewritten links; a page that turns out larger is written
    /// as it came (what was read, then the rest streamed). Returns true: the body has been written.
    /// </summary>
    private async Task<bool> RewriteHtmlAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, ProxyLinks links, CancellationToken cancellationToken)
    {
        await using var source = await proxyResponse.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length <= maxRewrittenHtmlBytes && (read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length > maxRewrittenHtmlBytes)
        {
            httpContext.Response.Headers.ContentLength = null;
            await httpContext.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
            await source.CopyToAsync(httpContext.Response.Body, cancellationToken);
            return true;
        }

        var output = HtmlLinkRewriter.Rewrite(buffer.ToArray(), proxyResponse.Content.Headers.ContentEncoding.FirstOrDefault(), links);
        httpContext.Response.Headers.ContentLength = output.Length;
        await httpContext.Response.Body.WriteAsync(output, cancellationToken);
        return true;
    }
}
