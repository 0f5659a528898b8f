using System.Text.Json.Nodes;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Proxy;
using ApiProxyGateway.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class ProxyRequestLimiterTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> NoExtra = [];

    [Fact]
    public async Task AcquireAsync_BeyondThePerUserLimit_Is429NamingTheLimitAndCountsTheCertificateUserNotTheImpersonatedOne()
    {
        var limiter = new ProxyRequestLimiter(Options.Create(new LimitsOptions { MaxProxyRequests = 10, MaxProxyRequestsPerUser = 2 }), TestMetrics.Create());
        var bob = new KubernetesUser("bob", ["system:authenticated"], null, NoExtra);

        using var first = await limiter.AcquireAsync(Context("alice"), bob);
        var second = await limiter.AcquireAsync(Context("alice"), bob);
        var refused = Context("alice");
        var third = await limiter.AcquireAsync(refused, bob);
        using var asBob = await limiter.AcquireAsync(Context("bob"), bob);
        second!.Dispose();
        using var fourth = await limiter.AcquireAsync(Context("alice"), bob);

        Assert.Null(third);
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        var status = await StatusOf(refused);
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Contains("user \"alice\"", (string?)status["message"], StringComparison.Ordinal);
        Assert.Contains("Limits:MaxProxyRequestsPerUser", (string?)status["message"], StringComparison.Ordinal);
        Assert.NotNull(asBob);
        Assert.NotNull(fourth);
    }

    [Fact]
    public async Task AcquireAsync_BeyondTheTotalLimit_IsRefusedForEveryone()
    {
        var limiter = new ProxyRequestLimiter(Options.Create(new LimitsOptions { MaxProxyRequests = 2, MaxProxyRequestsPerUser = 5 }), TestMetrics.Create());

        using var a = await limiter.AcquireAsync(Context("alice"), User("alice"));
        using var b = await limiter.AcquireAsync(Context("bob"), User("bob"));
        var refused = Context("carol");
        var c = await limiter.AcquireAsync(refused, User("carol"));

        Assert.Null(c);
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.Response.StatusCode);
        Assert.Contains("Limits:MaxProxyRequests)", (string?)(await StatusOf(refused))["message"], StringComparison.Ordinal);
    }

    private static KubernetesUser User(string name) => new(name, ["system:authenticated"], null, NoExtra);

    private static DefaultHttpContext Context(string certificateUser) => new()
    {
        User = User(certificateUser).ToPrincipal("ClientCertificate"),
        Response = { Body = new MemoryStream() },
    };

    private static async Task<JsonNode> StatusOf(DefaultHttpContext context)
    {
        context.Response.Body.Position = 0;
        return (await JsonNode.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken))!;
    }
}
