using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>A simulated kubelet over real TLS: authentication, authorization, UID pinning and the kubelet's error answers.</summary>
public sealed class KubeletAccessTests(KubeletFixture fixture) : IClassFixture<KubeletFixture>
{
    [Fact]
    public async Task ContainerLogs_WithoutClientCertificate_Is401()
    {
        using var client = fixture.KubeletClient("legacy", null);

        using var response = await client.GetAsync("/containerLogs/demo/talker/talker", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ContainerLogs_UserCertificateOfTheClusterCa_Is401()
    {
        using var user = X509Certificate2.CreateFromPemFile(fixture.Host.Pki.UserCertificate("admin"), fixture.Host.Pki.UserKey("admin"));
        using var client = fixture.KubeletClient("legacy", user);

        using var response = await client.GetAsync("/containerLogs/demo/talker/talker", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/containerLogs/demo/talker/talker", "Forbidden (user=intruder, verb=get, resource=nodes, subresource(s)=[proxy])")]
    [InlineData("POST", "/exec/demo/talker/talker?command=id&output=1", "Forbidden (user=intruder, verb=create, resource=nodes, subresource(s)=[proxy])")]
    [InlineData("GET", "/pods", "Forbidden (user=intruder, verb=get, resource=nodes, subresource(s)=[pods proxy])")]
    [InlineData("GET", "/stats/summary", "Forbidden (user=intruder, verb=get, resource=nodes, subresource(s)=[stats])")]
    public async Task Request_ClientWithoutNodePermissions_Is403WithTheKubeletMessage(string method, string path, string expected)
    {
        using var authority = X509Certificate2.CreateFromPemFile(fixture.Host.Pki.KubeletClientCaCertificate, fixture.Host.Pki.KubeletClientCaKey);
        using var intruder = TestPki.IssueClient(authority, "intruder", ["some-group"]);
        using var client = fixture.KubeletClient("legacy", intruder);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ContainerLogs_ApiServerIdentityWithTailLines_ReturnsTheLastLinesChunked()
    {
        await fixture.WaitForPodAsync("demo", "talker", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null);
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient("legacy", identity);
        using var response = await WaitForLogAsync(client, "/containerLogs/demo/talker/talker?tailLines=2&timestamps=true");

        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TrimEnd('\n').Split('\n');

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z talk \d+$", l));
    }

    [Theory]
    [InlineData("/containerLogs/demo/ghost/talker", HttpStatusCode.NotFound, "pod \"ghost\" does not exist")]
    [InlineData("/containerLogs/demo/talker/ghost", HttpStatusCode.NotFound, "container \"ghost\" not found in pod \"talker\"")]
    [InlineData("/containerLogs/demo/talker/talker?tailLines=x", HttpStatusCode.BadRequest, "{\"message\": \"Unable to decode query.\"}")]
    [InlineData("/containerLogs/demo/talker/talker?tailLines=-2", HttpStatusCode.UnprocessableEntity, "{\"message\": \"Invalid request.\"}")]
    [InlineData("/containerLogs/demo/talker/talker?previous=true", HttpStatusCode.BadRequest, "previous terminated container \"talker\" in pod \"talker\" not found")]
    [InlineData("/exec/demo/talker/talker?command=id&output=1", HttpStatusCode.InternalServerError, "Upgrade request required\n")]
    [InlineData("/exec/demo/talker/talker?command=id", HttpStatusCode.BadRequest, "you must specify at least 1 of stdin, stdout, stderr")]
    [InlineData("/exec/demo/talker/00000000-0000-0000-0000-000000000000/talker?command=id&output=1", HttpStatusCode.NotFound, "pod not found")]
    [InlineData("/attach/demo/talker/00000000-0000-0000-0000-000000000000/talker?output=1", HttpStatusCode.NotFound, "pod not found")]
    [InlineData("/portForward/demo/talker/00000000-0000-0000-0000-000000000000", HttpStatusCode.NotFound, "pod not found")]
    [InlineData("/nothing/here", HttpStatusCode.NotFound, "404 page not found")]
    public async Task Request_Unservable_GetsTheKubeletsAnswer(string path, HttpStatusCode status, string body)
    {
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient("legacy", identity);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Exec_CurrentUidWithoutUpgrade_PassesTheUidCheck()
    {
        var pod = await fixture.WaitForPodAsync("demo", "talker", p => p.Status?.PodIP is not null);
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient("legacy", identity);

        using var response = await client.GetAsync($"/exec/demo/talker/{pod.Metadata.Uid}/talker?command=id&output=1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode); // past the UID check, stopped by the missing upgrade
    }

    [Theory]
    [InlineData("legacy", "demo", HttpStatusCode.Forbidden)]
    [InlineData("modern", "kube-system", HttpStatusCode.SwitchingProtocols)]
    public async Task Exec_WebSocketV5_OnlyWhereTheNodeDeclaresExtendWebSocketsToKubelet(string node, string ns, HttpStatusCode expected)
    {
        await fixture.WaitForPodAsync(ns, "talker", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null);
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient(node, identity);
        using var request = WebSocketRequest($"/exec/{ns}/talker/talker?command=true&output=1", "v5.channel.k8s.io");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("legacy", "demo")]
    [InlineData("modern", "kube-system")]
    public async Task Exec_LegacyWebSocketProtocol_IsAcceptedOnEveryNode(string node, string ns)
    {
        await fixture.WaitForPodAsync(ns, "talker", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null);
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient(node, identity);
        using var request = WebSocketRequest($"/exec/{ns}/talker/talker?command=true&output=1", "v4.channel.k8s.io");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.StatusCode);
        Assert.Equal("v4.channel.k8s.io", response.Headers.GetValues("Sec-WebSocket-Protocol").Single());
    }

    [Fact]
    public async Task Exec_SpdyWithOnlyV5_Is403WithTheAcceptedVersions()
    {
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient("legacy", identity);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/exec/demo/talker/talker?command=true&output=1");
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "SPDY/3.1");
        request.Headers.TryAddWithoutValidation("X-Stream-Protocol-Version", "v5.channel.k8s.io");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"], response.Headers.GetValues("X-Accepted-Stream-Protocol-Versions"));
    }

    private static HttpRequestMessage WebSocketRequest(string path, string protocol)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", protocol);
        return request;
    }

    private static async Task<HttpResponseMessage> WaitForLogAsync(HttpClient client, string path)
    {
        HttpResponseMessage? logged = null;
        await TestWait.UntilAsync(async token =>
        {
            var response = await client.GetAsync(path, token);
            if ((await response.Content.ReadAsStringAsync(token)).Count(c => c == '\n') >= 2)
            {
                logged = response;
                return true;
            }

            response.Dispose();
            return false;
        }, $"{path} has two lines (the logger writes every 100 ms)", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        return logged!; // set when the wait succeeds
    }
}
