using System.Net;
using ApiProxyGateway.Forwarding;
using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class UpstreamRequestGuardTests
{
    [Theory]
    [InlineData("X-Forwarded-Uri", "/healthz\r\n\r\nPOST /run/demo/p/c HTTP/1.1")]
    [InlineData("Impersonate-User", "jane\nImpersonate-Group: system:masters")]
    [InlineData("X-Apg-Line-0", "Impersonate-Group: a\rImpersonate-Group: system:masters")]
    [InlineData("User-Agent", "curl\0")]
    [InlineData("User-Agent", "curl\u007f")]
    [InlineData("User-Agent", "curl\u0085")]
    public async Task Send_HeaderWithAControlCharacter_IsRefusedBeforeAnythingIsWritten(string name, string value)
    {
        var inner = new CountingHandler();
        using var invoker = new HttpMessageInvoker(new UpstreamRequestGuard("test", NullLogger.Instance) { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/healthz");
        request.Headers.TryAddWithoutValidation(name, value);

        await Assert.ThrowsAsync<UpstreamRequestRefusedException>(() => invoker.SendAsync(request, TestContext.Current.CancellationToken));
        Assert.Equal(0, inner.Calls);
    }

    [Theory]
    [InlineData(3, 0, HttpVersionPolicy.RequestVersionExact)]
    [InlineData(2, 0, HttpVersionPolicy.RequestVersionOrHigher)]
    [InlineData(1, 1, HttpVersionPolicy.RequestVersionOrHigher)]
    public async Task Send_AVersionThatAllowsHttp3_IsRefused(int major, int minor, HttpVersionPolicy policy)
    {
        // HTTP/3's QUIC connections would not come from the pools' connect step, which dials, checks and verifies.
        var inner = new CountingHandler();
        using var invoker = new HttpMessageInvoker(new UpstreamRequestGuard("test", NullLogger.Instance) { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1/healthz") { Version = new Version(major, minor), VersionPolicy = policy };

        await Assert.ThrowsAsync<UpstreamRequestRefusedException>(() => invoker.SendAsync(request, TestContext.Current.CancellationToken));
        Assert.Equal(0, inner.Calls);
    }

    [Theory]
    [InlineData(2, 0, HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData(1, 1, HttpVersionPolicy.RequestVersionExact)]
    public async Task Send_Http2OrHttp11_GoesOn(int major, int minor, HttpVersionPolicy policy)
    {
        var inner = new CountingHandler();
        using var invoker = new HttpMessageInvoker(new UpstreamRequestGuard("test", NullLogger.Instance) { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1/healthz") { Version = new Version(major, minor), VersionPolicy = policy };

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Send_ContentHeaderWithNewline_IsRefused()
    {
        var inner = new CountingHandler();
        using var invoker = new HttpMessageInvoker(new UpstreamRequestGuard("test", NullLogger.Instance) { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/") { Content = new ByteArrayContent([1]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Language", "en\r\nX-Injected: 1");

        await Assert.ThrowsAsync<UpstreamRequestRefusedException>(() => invoker.SendAsync(request, TestContext.Current.CancellationToken));
        Assert.Equal(0, inner.Calls);
    }

    [Fact]
    public async Task Send_OrdinaryRequest_GoesThrough()
    {
        var inner = new CountingHandler();
        using var invoker = new HttpMessageInvoker(new UpstreamRequestGuard("test", NullLogger.Instance) { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/api/v1/namespaces/demo/configmaps/a%20b?x=%0A");
        request.Headers.TryAddWithoutValidation("Impersonate-User", "Zoë, the admin");
        request.Headers.TryAddWithoutValidation("User-Agent", "kubectl/v1.33\tlinux");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(1, inner.Calls);
    }

    [Theory]
    [InlineData("jane", null)]
    [InlineData("Zoë, the admin", null)]
    [InlineData("", null)]
    [InlineData("a\tb", "contains the control character U+0009 at position 1")]
    [InlineData("a\u0000", "contains the control character U+0000 at position 1")]
    [InlineData(" admin", "begins or ends with a space, which HTTP servers remove from header values")]
    [InlineData("admin ", "begins or ends with a space, which HTTP servers remove from header values")]
    public void IdentityProblem_NamesWhatCannotTravelUnchanged(string value, string? problem)
    {
        Assert.Equal(problem, HeaderText.IdentityProblem(value));
    }

    [Fact]
    public void ResponseSanitizer_HeadersNamedInConnection_AreRemovedButUpgradeOnA101Stays()
    {
        var context = new DefaultHttpContext();
        context.Response.Headers["X-Secret"] = "token";
        context.Response.Headers["Upgrade"] = "websocket";
        context.Response.Headers["X-Kept"] = "1";
        using var switching = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols);
        switching.Headers.TryAddWithoutValidation("Connection", "Upgrade, X-Secret");

        ResponseHeaderSanitizer.Apply(switching, context.Response);

        Assert.Equal(["Upgrade", "X-Kept"], context.Response.Headers.Keys.Order(StringComparer.Ordinal));

        using var refused = new HttpResponseMessage(HttpStatusCode.BadGateway);
        refused.Headers.TryAddWithoutValidation("Connection", "upgrade");
        ResponseHeaderSanitizer.Apply(refused, context.Response);

        Assert.Equal(["X-Kept"], context.Response.Headers.Keys);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
