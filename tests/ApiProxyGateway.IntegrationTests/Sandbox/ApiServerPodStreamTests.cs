using System.Net;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// The simulated API server's pod subresources: kube-apiserver 1.35's authorization of WebSocket GETs, and kubelet
/// connections that verify the chain and the dialled address (but, as in 1.35, not the node name in the CN).
/// </summary>
public sealed class ApiServerPodStreamTests(KubeletFixture fixture) : IClassFixture<KubeletFixture>
{
    [Theory]
    [InlineData("getter", "User \"getter\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"demo\"")]
    [InlineData("creator", "User \"creator\" cannot get resource \"pods/exec\" in API group \"\" in the namespace \"demo\"")]
    public async Task ExecWebSocket_WithoutGetAndCreate_IsForbidden(string user, string message)
    {
        using var client = fixture.Host.CreateApiServerClient(user);
        using var request = Upgrade(HttpMethod.Get, "websocket", "Sec-WebSocket-Protocol", "v5.channel.k8s.io");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal($"pods \"talker\" is forbidden: {message}", status.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ExecSpdy_CreatorPosting_IsUpgradedByTheKubelet()
    {
        await fixture.WaitForPodAsync("demo", "talker", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null);
        using var client = fixture.Host.CreateApiServerClient("creator");
        using var request = Upgrade(HttpMethod.Post, "SPDY/3.1", "X-Stream-Protocol-Version", "v4.channel.k8s.io");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.StatusCode);
        Assert.Equal("v4.channel.k8s.io", response.Headers.GetValues("X-Stream-Protocol-Version").Single());
    }

    [Theory]
    [InlineData("self-signed", "tls: failed to verify certificate")]
    [InlineData("expired", "tls: failed to verify certificate")]
    [InlineData("unknown-ca", "tls: failed to verify certificate")]
    [InlineData("wrong-san", "tls: failed to verify certificate")]
    [InlineData("down", "connect: connection refused")]
    public async Task Logs_KubeletThatCannotBeVerified_IsAnInternalError(string node, string reason)
    {
        using var client = fixture.Host.CreateApiServerClient("admin");

        using var response = await client.GetAsync($"/api/v1/namespaces/demo/pods/on-{node}/log", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(reason, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-cn")]
    [InlineData("hostname-first")]
    public async Task Logs_KubeletWithValidChainAndAddress_IsServed(string node)
    {
        await fixture.WaitForPodAsync("demo", $"on-{node}", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null);
        using var client = fixture.Host.CreateApiServerClient("admin");

        using var response = await client.GetAsync($"/api/v1/namespaces/demo/pods/on-{node}/log?limitBytes=4", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage Upgrade(HttpMethod method, string upgrade, string protocolHeader, string protocol)
    {
        var request = new HttpRequestMessage(method, "/api/v1/namespaces/demo/pods/talker/exec?command=true&stdout=true") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.TryAddWithoutValidation(protocolHeader, protocol);
        return request;
    }
}
