using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ApiProxyGateway.Proxy;
using Microsoft.AspNetCore.Http;
using static ApiProxyGateway.UnitTests.Gateway.HtmlRewriting;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>Which proxied responses get their HTML rewritten, and what that does to their headers.</summary>
public sealed class ProxyTransformerTests
{
    private const string Page = "<p>text</p><a href=\"/docs\">docs</a>";

    private static readonly ProxyTarget Target = new("pod demo/web", IPAddress.Parse("10.1.2.3"), 8443, "https", [], null, "test");

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Html_Response_IsRewrittenInItsEncodingWithoutContentLength(string? encoding)
    {
        var context = Context("GET");
        using var response = Response(HttpStatusCode.OK, "text/html; charset=utf-8", encoding is null ? [] : [encoding]);

        var copyBody = await new ProxyTransformer(Target, Prefix, "/page").TransformResponseAsync(context, response, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.True(copyBody);
        Assert.Null(context.Response.Headers.ContentLength);
        Assert.Equal(encoding ?? "", context.Response.Headers.ContentEncoding.ToString());
        Assert.Equal(Page.Replace("/docs", Prefix + "/docs", StringComparison.Ordinal), Encoding.UTF8.GetString(encoding is null ? body : Decompress(body, encoding)));
    }

    [Theory]
    [InlineData("GET", HttpStatusCode.OK, "text/plain", new string[0])] // kube "content-type passthrough"
    [InlineData("GET", HttpStatusCode.OK, "text/html", new[] { "br" })]
    [InlineData("GET", HttpStatusCode.OK, "text/html", new[] { "gzip", "br" })]
    [InlineData("HEAD", HttpStatusCode.OK, "text/html", new string[0])]
    [InlineData("GET", HttpStatusCode.NotModified, "text/html", new string[0])]
    [InlineData("GET", HttpStatusCode.NoContent, "text/html", new string[0])]
    public async Task Response_NotARewritableHtmlBody_PassesAsItCame(string method, HttpStatusCode status, string contentType, string[] encodings)
    {
        var context = Context(method);
        using var response = Response(status, contentType, encodings);
        var content = response.Content;

        var copyBody = await new ProxyTransformer(Target, Prefix, "/page").TransformResponseAsync(context, response, CancellationToken.None);

        Assert.True(copyBody);
        Assert.Same(content, response.Content);
        Assert.Equal(Encoding.UTF8.GetByteCount(Page), context.Response.Headers.ContentLength);
    }

    private static DefaultHttpContext Context(string method)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Host = new HostString("gateway.example:8443");
        return context;
    }

    private static HttpResponseMessage Response(HttpStatusCode status, string contentType, string[] encodings)
    {
        var body = Encoding.UTF8.GetBytes(Page);
        if (encodings is [var single] && single is "gzip" or "deflate")
        {
            body = Compress(body, single);
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        content.Headers.ContentLength = body.Length;
        foreach (var encoding in encodings)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        return new HttpResponseMessage(status) { Content = content };
    }
}
