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

    /// <summary>
    /// Names are read without parsing values: an identity header whose value does not parse (CR/LF, several lines) is
    /// removed all the same, from the request and from its content, and what is kept goes on exactly as it came.
    /// </summary>
    [Fact]
    public void Apply_IdentityHeadersWhoseValuesDoNotParse_AreRemovedFromTheRequestAndItsContent()
    {
        var outgoing = new HttpRequestMessage(HttpMethod.Post, "http://upstream/") { Content = new ByteArrayContent([]) };
        outgoing.Headers.TryAddWithoutValidation("Authorization", "Bearer a\r\nX-Injected: 1");
        outgoing.Headers.TryAddWithoutValidation("Impersonate-User", ["alice", "system:admin"]);
        outgoing.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");
        outgoing.Content.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        outgoing.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        RequestHeaderSanitizer.Apply(new DefaultHttpContext().Request, outgoing);

        Assert.False(outgoing.Headers.NonValidated.Contains("Authorization"));
        Assert.False(outgoing.Headers.NonValidated.Contains("Impersonate-User"));
        Assert.False(outgoing.Content.Headers.NonValidated.Contains("X-Forwarded-Host"));
        Assert.Equal("application/json;as=Table;v=v1;g=meta.k8s.io", outgoing.Headers.NonValidated["Accept"].ToString());
        Assert.True(outgoing.Content.Headers.NonValidated.Contains("Content-Type"));
    }
}
