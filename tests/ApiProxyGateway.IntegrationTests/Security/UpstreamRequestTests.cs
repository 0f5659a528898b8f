using System.Net;
using System.Text.Json.Nodes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>
/// What reaches kubelets and workloads is exactly what was authorized: an encoded request line or header in a proxied
/// path arrives as one escaped path on one request (findings 1 and 8 of the security review), and the gateway's own
/// credentials never carry a second request.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class UpstreamRequestTests(SecuritySandboxFixture fixture)
{
    private const string HostileProxy = "/api/v1/namespaces/sec/pods/https:hostile:8443/proxy";

    /// <summary>The hostile workload's hand-written HTTP server, which sends what Kestrel would not.</summary>
    private const string RawHostileProxy = "/api/v1/namespaces/sec/pods/https:hostile:9443/proxy";

    [Fact]
    public async Task NodeProxy_RequestLineEncodedInThePath_ReachesTheKubeletAsOneEscapedRequest()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var marker = Marker();
        var smuggled = $"healthz{marker}%0D%0A%0D%0APOST%20/run/sec/shell/shell%3Fcmd=touch%2520x%20HTTP/1.1%0D%0AHost:%20k%0D%0AX-Pad:%20x";

        var (status, _, response) = await fixture.SendAsync("prober", HttpMethod.Get, "/api/v1/nodes/node-a/proxy/" + smuggled, deadline);
        response.Dispose();

        var received = fixture.Sandbox.Host.KubeletRequestLog.Entries.Where(e => e.PathAndQuery.Contains(marker, StringComparison.Ordinal)).ToList();
        var single = Assert.Single(received);
        Assert.Equal(("GET", "/" + smuggled), (single.Method, single.PathAndQuery));
        Assert.DoesNotContain(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.PathAndQuery.StartsWith("/run/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    /// <summary>Over HTTP/2 (Kestrel's listener offers h2) and over HTTP/1.1 (the raw listener offers no ALPN), where a line break could end a line.</summary>
    [Theory]
    [InlineData(HostileProxy)]
    [InlineData(RawHostileProxy)]
    public async Task PodProxy_HeaderAndRequestEncodedInThePath_ArriveAsOneRequestWithAnEscapedPath(string proxy)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var marker = Marker();
        var path = $"/{marker}%0D%0AX-Injected:%201%0D%0A%0D%0AGET%20/smuggled-{marker}%20HTTP/1.1%0D%0AX-Pad:%20y";

        (await fixture.SendAsync("developer", HttpMethod.Get, proxy + path, deadline)).Response.Dispose();
        var requests = await ReceivedAsync(marker, deadline);

        var single = Assert.Single(requests);
        Assert.Equal(path, (string?)single["target"]);
        Assert.Null(single["headers"]!["X-Injected"]);
        Assert.Equal(proxy + path, (string?)single["headers"]!["X-Forwarded-Uri"]![0]);
    }

    [Fact]
    public async Task PodProxy_ResponseHeadersNamedInConnection_DoNotReachTheClient()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);

        var (status, _, response) = await fixture.SendAsync("developer", HttpMethod.Get, RawHostileProxy + "/connection-headers", deadline);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(["yes"], response.Headers.GetValues("X-Visible"));
            Assert.False(response.Headers.Contains("X-Secret"));
            Assert.False(response.Headers.Contains("Keep-Alive"));
        }
    }

    [Fact]
    public async Task PodProxy_UpgradeRefusedWithUpgradeHeaders_ReachesTheClientWithoutThem()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);

        var (status, _, response) = await fixture.SendAsync("developer", HttpMethod.Get, RawHostileProxy + "/upgrade-refused", deadline, configure: request =>
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
            request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        });

        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.False(response.Headers.Contains("Upgrade"));
            Assert.False(response.Headers.Contains("X-Secret"));
        }
    }

    [Fact]
    public async Task PodProxy_RedirectToAnotherHost_IsReturnedNotFollowedAndNeverAnswersAnUpgrade()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);

        var (plainStatus, _, plain) = await fixture.SendAsync("developer", HttpMethod.Get, RawHostileProxy + "/redirect-elsewhere", deadline);
        var (upgradeStatus, upgradeBody, upgrade) = await fixture.SendAsync("developer", HttpMethod.Get, RawHostileProxy + "/redirect-elsewhere", deadline, configure: request =>
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
            request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        });

        using (plain)
        using (upgrade)
        {
            Assert.Equal(HttpStatusCode.Found, plainStatus);
            Assert.Equal("https://169.254.169.254/latest/meta-data/", plain.Headers.Location?.ToString());
            Assert.Equal(HttpStatusCode.BadGateway, upgradeStatus); // CVE-2020-8559
            Assert.Contains("answered the upgrade with a redirect", upgradeBody, StringComparison.Ordinal);
            Assert.Null(upgrade.Headers.Location);
        }
    }

    [Theory]
    [InlineData(HostileProxy + "/spdy-post")]
    [InlineData("/apis/example.io/v1/namespaces/sec/things/x/exec")]
    public async Task Upgrade_WithPost_IsRefusedRatherThanSentOnAsAGet(string target)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        var (status, body, response) = await fixture.SendAsync("admin", HttpMethod.Post, target, deadline, configure: request =>
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", "SPDY/3.1");
            request.Headers.TryAddWithoutValidation("X-Stream-Protocol-Version", "v4.channel.k8s.io");
        });
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("cannot be forwarded unchanged", body, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Sandbox.Host.RequestLog.Entries, e => e.Time >= started && e.PathAndQuery.Contains("/things/", StringComparison.Ordinal));
        Assert.Empty(await ReceivedAsync("spdy-post", deadline));
    }

    [Theory]
    [InlineData(HostileProxy)]
    [InlineData(RawHostileProxy)]
    public async Task PodProxy_ClientHostHeader_IsNotWhatTheWorkloadSees(string proxy)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var marker = Marker();

        (await fixture.SendAsync("developer", HttpMethod.Get, $"{proxy}/{marker}", deadline, configure: r => r.Headers.Host = "attacker.example")).Response.Dispose();
        var single = Assert.Single(await ReceivedAsync(marker, deadline));

        var host = (string?)single["headers"]!["Host"]![0];
        Assert.NotEqual("attacker.example", host);
        Assert.StartsWith(fixture.Sandbox.Host.Store.Typed.Get<k8s.Models.V1Pod>("sec", "hostile")!.Status.PodIP + ":", host, StringComparison.Ordinal);
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The request heads the hostile workload recorded whose target carries <paramref name="marker"/>.</summary>
    private async Task<List<JsonNode>> ReceivedAsync(string marker, CancellationToken cancellationToken)
    {
        var (status, body, response) = await fixture.SendAsync("developer", HttpMethod.Get, HostileProxy + "/requests", cancellationToken);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        // Header names are read case-insensitively: over HTTP/2 they arrive in lower case.
        return [.. JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!.AsArray().Select(r => r!).Where(r => ((string?)r["target"])?.Contains(marker, StringComparison.Ordinal) == true)];
    }
}
