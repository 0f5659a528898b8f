using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// The stream limits against the real gateway: a user at <c>Limits:MaxStreamsPerUser</c>, and everyone at
/// <c>Limits:MaxStreams</c>, get a 429 Status with Retry-After, counted in <c>apiproxygateway_streams_rejected_total</c>.
/// </summary>
[Collection(SharedProductionSandbox.Name)]
public sealed partial class StreamLimitTests(ProductionSandboxFixture fixture)
{
    private static readonly TimeSpan TestTimeout = TestWait.OperationTimeout;

    [Fact]
    public async Task StreamsPerUser_AtTheLimit_AreRefusedWith429WhileOthersAreServedUntilOneCloses()
    {
        var deadline = TestWait.Timeout(TestTimeout);
        var sandbox = fixture.Sandbox;
        using var developer = sandbox.Invoker("developer");
        using var viewer = sandbox.Invoker("viewer");
        var rejectedBefore = Rejected(await sandbox.ScrapeUntilAsync(_ => true, deadline), "per-user");
        var held = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < ProductionSandboxFixture.StreamsPerUser; i++)
            {
                held.Add(await sandbox.FollowLogWhenServedAsync(developer, deadline));
                Assert.Equal(HttpStatusCode.OK, held[^1].StatusCode);
            }

            using var refused = await sandbox.FollowLogAsync(developer, deadline);
            var status = JsonNode.Parse(await refused.Content.ReadAsStringAsync(deadline))!;
            using var other = await sandbox.FollowLogAsync(viewer, deadline);
            var otherLine = await FirstLineAsync(other, deadline);

            AssertTooManyRequests(refused, status);
            Assert.Contains("\"developer\"", (string?)status["message"], StringComparison.Ordinal);
            Assert.Contains($"{ProductionSandboxFixture.StreamsPerUser} per user (Limits:MaxStreamsPerUser)", (string?)status["message"], StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Contains(ProductionSandbox.LogLine, otherLine, StringComparison.Ordinal);
            var metrics = await sandbox.ScrapeUntilAsync(text => Rejected(text, "per-user") > rejectedBefore, deadline);
            Assert.Equal(rejectedBefore + 1, Rejected(metrics, "per-user"));

            held[0].Dispose();
            using var again = await sandbox.FollowLogWhenServedAsync(developer, deadline);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Contains(ProductionSandbox.LogLine, await FirstLineAsync(again, deadline), StringComparison.Ordinal);
        }
        finally
        {
            held.ForEach(response => response.Dispose());
        }
    }

    [Fact]
    public async Task StreamsInTotal_AtTheLimit_AreRefusedWith429ForEveryUser()
    {
        var deadline = TestWait.Timeout(TestTimeout);
        await using var sandbox = await ProductionSandbox.StartAsync(["--Limits:MaxStreams=2"], deadline);
        using var developer = sandbox.Invoker("developer");
        using var viewer = sandbox.Invoker("viewer");
        using var admin = sandbox.Invoker("admin");
        using var first = await sandbox.FollowLogAsync(developer, deadline);
        using var second = await sandbox.FollowLogAsync(viewer, deadline);

        using var refused = await sandbox.FollowLogAsync(admin, deadline);
        var status = JsonNode.Parse(await refused.Content.ReadAsStringAsync(deadline))!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        AssertTooManyRequests(refused, status);
        Assert.Contains("2 (Limits:MaxStreams)", (string?)status["message"], StringComparison.Ordinal);
        var metrics = await sandbox.ScrapeUntilAsync(text => Rejected(text, "total") > 0, deadline);
        Assert.Equal(1, Rejected(metrics, "total"));
        Assert.Equal(0, Rejected(metrics, "per-user"));
    }

    [Fact]
    public async Task ProxiedWebSocket_IsAStream_CountedAndLimitedPerUser()
    {
        var deadline = TestWait.Timeout(TestTimeout);
        await using var sandbox = await ProductionSandbox.StartAsync(["--Limits:MaxStreamsPerUser=1"], deadline);
        using var developer = sandbox.Invoker("developer");
        var uri = new Uri(sandbox.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal) + "api/v1/namespaces/demo/services/https:web:443/proxy/ws");
        using var first = await ConnectWhenServedAsync(uri, developer, deadline);
        await first.SendAsync("ping"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, deadline);
        var echo = new byte[16];
        var received = await first.ReceiveAsync(echo, deadline);

        using var second = new System.Net.WebSockets.ClientWebSocket();
        second.Options.HttpVersion = HttpVersion.Version11;
        second.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => second.ConnectAsync(uri, developer, deadline));
        var open = await sandbox.ScrapeUntilAsync(text => Series(text, "apiproxygateway_streams_active", "kind=\"proxy\"") == 1, deadline);
        await first.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, deadline);
        var closed = await sandbox.ScrapeUntilAsync(text => Series(text, "apiproxygateway_streams_finished_total", "kind=\"proxy\"") == 1, deadline);

        Assert.Equal("ping", System.Text.Encoding.ASCII.GetString(echo, 0, received.Count));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.HttpStatusCode);
        Assert.Equal(1, Rejected(open, "per-user"));
        Assert.Equal(1, Series(open, "apiproxygateway_streams_active", "protocol=\"websocket\""));
        Assert.Equal(0, Series(closed, "apiproxygateway_streams_active", "kind=\"proxy\""));
    }

    /// <summary>
    /// Ordinary proxy requests are capped per user too (the gateway serves them, so kube-apiserver's in-flight limits
    /// never see them): two large downloads the developer does not read stay in flight, the third request is refused
    /// with 429, another user (admin) is served, and once one download is dropped the developer is served again.
    /// </summary>
    [Fact]
    public async Task ProxyRequestsPerUser_AtTheLimit_AreRefusedWith429UntilOneEnds()
    {
        const string Proxy = "/api/v1/namespaces/demo/pods/https:web:8443/proxy";
        var deadline = TestWait.Timeout(TestTimeout);
        await using var sandbox = await ProductionSandbox.StartAsync(["--Limits:MaxProxyRequestsPerUser=2"], deadline);
        using var developer = sandbox.Invoker("developer");
        using var admin = sandbox.Invoker("admin");
        (await ServedAsync(developer, deadline)).Dispose(); // the fresh sandbox's pod is ready (not 503)

        // 64 MiB each, unread: more than the sockets' and HTTP/2 windows hold, so the gateway is still sending both.
        var unread = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                unread.Add(await Get(developer, "/bytes?n=67108864", deadline));
                Assert.Equal(HttpStatusCode.OK, unread[^1].StatusCode);
            }

            using var refused = await Get(developer, "/healthz", deadline);
            var status = JsonNode.Parse(await refused.Content.ReadAsStringAsync(deadline))!;
            using var other = await Get(admin, "/healthz", deadline);
            var metrics = await sandbox.ScrapeUntilAsync(text => Series(text, "apiproxygateway_proxy_requests_rejected_total", "limit=\"per-user\"") > 0, deadline);
            unread[0].Dispose(); // the gateway notices the client is gone and ends that request (a retry may meet a 429 meanwhile)
            using var again = await ServedAsync(developer, deadline);

            AssertTooManyRequests(refused, status);
            Assert.Contains("user \"developer\"", (string?)status["message"], StringComparison.Ordinal);
            Assert.Contains("2 per user (Limits:MaxProxyRequestsPerUser)", (string?)status["message"], StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(1, Series(metrics, "apiproxygateway_proxy_requests_rejected_total", "limit=\"per-user\""));
        }
        finally
        {
            unread.ForEach(response => response.Dispose());
        }

        async Task<HttpResponseMessage> Get(HttpMessageInvoker invoker, string path, CancellationToken token)
        {
            using var request = sandbox.Request(HttpMethod.Get, Proxy + path);
            return await invoker.SendAsync(request, token); // returns at the response's headers; the body is read only if asked for
        }

        async Task<HttpResponseMessage> ServedAsync(HttpMessageInvoker invoker, CancellationToken token)
        {
            HttpResponseMessage? served = null;
            await TestWait.UntilAsync(async t =>
            {
                var response = await Get(invoker, "/healthz", t);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    served = response;
                    return true;
                }

                response.Dispose();
                return false;
            }, "a proxy request of the developer is served (200)", TestTimeout, token);
            return served!; // set when the wait succeeds
        }
    }

    /// <summary>A WebSocket through the gateway, retried while the fresh sandbox's Service has no ready endpoint yet.</summary>
    private static async Task<System.Net.WebSockets.ClientWebSocket> ConnectWhenServedAsync(Uri uri, HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        System.Net.WebSockets.ClientWebSocket? connected = null;
        await TestWait.UntilAsync(async token =>
        {
            var socket = new System.Net.WebSockets.ClientWebSocket();
            socket.Options.HttpVersion = HttpVersion.Version11;
            socket.Options.CollectHttpResponseDetails = true;
            try
            {
                await socket.ConnectAsync(uri, invoker, token);
                connected = socket;
                return true;
            }
            catch (System.Net.WebSockets.WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.ServiceUnavailable)
            {
                socket.Dispose();
                return false;
            }
        }, $"a WebSocket to {uri} is served (not 503)", TestTimeout, cancellationToken);
        return connected!; // set when the wait succeeds
    }

    private static void AssertTooManyRequests(HttpResponseMessage response, JsonNode status)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("v1", (string?)status["apiVersion"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Equal(429, (int?)status["code"]);
    }

    private static async Task<string> FirstLineAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Not disposed here: disposing the reader would close the stream the caller still holds open.
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        return await reader.ReadLineAsync(cancellationToken) ?? "";
    }

    /// <summary>The value of <c>apiproxygateway_streams_rejected_total</c> for one limit; 0 before the first refusal.</summary>
    private static long Rejected(string metrics, string limit) => Series(metrics, "apiproxygateway_streams_rejected_total", $"limit=\"{limit}\"");

    /// <summary>The sum of a series' values over the label sets containing <paramref name="label"/>.</summary>
    private static long Series(string metrics, string name, string label) =>
        AnySeries().Matches(metrics).Where(m => m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            .Sum(m => long.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex("""^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>-?\d+)""", RegexOptions.Multiline)]
    private static partial Regex AnySeries();
}
