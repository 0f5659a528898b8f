using ApiProxyGateway.Forwarding;
using Microsoft.AspNetCore.Http;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class RequestHeaderSanitizerTests
{
    [Theory]
    [InlineData("Authorization")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Impersonate-User")]
    [InlineData("Impersonate-Group")]
    [InlineData("Impersonate-Uid")]
    [InlineData("impersonate-extra-scopes")]
    [InlineData("X-Remote-User")]
    [InlineData("X-Remote-Group")]
    [InlineData("X-Remote-Extra-Foo")]
    [InlineData("X-Forwarded-For")]
    [InlineData("Forwarded")]
    [InlineData("X-Apg-Line-0")]
    public void Apply_IdentityHeader_IsRemoved(string header)
    {
        var outgoing = new HttpRequestMessage(HttpMethod.Get, "http://upstream/");
        outgoing.Headers.TryAddWithoutValidation(header, "value");
        outgoing.Headers.TryAddWithoutValidation("Accept", "application/json");

        RequestHeaderSanitizer.Apply(new DefaultHttpContext().Request, outgoing);

        Assert.False(outgoing.Headers.Contains(header));
        Assert.True(outgoing.Headers.Contains("Accept"));
    }

    [Fact]
    public void Apply_HeaderNominatedByConnection_IsRemovedButUpgradeIsKept()
    {
        var incoming = new DefaultHttpContext().Request;
        incoming.Headers.Connection = "Upgrade, X-Trace, keep-alive";
        var outgoing = new HttpRequestMessage(HttpMethod.Get, "http://upstream/");
        outgoing.Headers.TryAddWithoutValidation("X-Trace", "1");
        outgoing.Headers.TryAddWithoutValidation("Upgrade", "SPDY/3.1");

        RequestHeaderSanitizer.Apply(incoming, outgoing);

        Assert.False(outgoing.Headers.Contains("X-Trace"));
        Assert.True(outgoing.Headers.Contains("Upgrade"));
    }
}
