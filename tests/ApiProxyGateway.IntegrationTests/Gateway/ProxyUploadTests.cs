using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// A body sent through pods/proxy goes on to the workload as it comes, as through kube-apiserver (Go's transport sends
/// each piece of a proxied body at once): the first bytes of a body still open reach the workload over HTTP/2 (an https
/// workload choosing h2) and HTTP/1.1 (plain http) alike, and an HTTP/2 workload's echo of them comes back while the
/// body is open. A body trickling below Kestrel's minimum data rate (240 B/s after a 5 s grace) is not cut, nor is a
/// body larger than the gateway's request body limit: kube-apiserver sets neither on proxied requests. The workload is asked directly what it has received.
/// </summary>
public sealed class ProxyUploadTests(ProxyUploadFixture fixture) : IClassFixture<ProxyUploadFixture>
{
    private const string Pods = "/api/v1/namespaces/demo/pods/";

    /// <summary>Longer than Kestrel's grace (5 s) and its next once-a-second check of the rate.</summary>
    private static readonly TimeSpan TrickleLength = TimeSpan.FromSeconds(8);

    [Theory]
    [InlineData("https:web:8443", "HTTP/2")]
    [InlineData("http:web:8080", "HTTP/1.1")]
    public async Task Upload_FirstBytesFlushed_ReachTheWorkloadWhileTheBodyIsOpen(string target, string workloadProtocol)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var id = NewId();
        using var invoker = fixture.Sandbox.Invoker("admin");
        await ConnectAsync(invoker, target, deadline);
        using var upload = new ClientUpload();
        using var request = Request(HttpMethod.Post, HttpVersion.Version20, $"{Pods}{target}/proxy/uploads/{id}", upload);
        var sending = invoker.SendAsync(request, deadline);
        await OpenAsync(upload, sending, deadline);

        await upload.WriteAsync("hello\n"u8.ToArray(), deadline);
        var received = await ReceivedAsync(id, 6, deadline);

        Assert.Equal(workloadProtocol, (string?)received["protocol"]);
        Assert.False((bool?)received["complete"]);
        upload.Complete();
        var answer = await AnswerAsync(sending, deadline);
        Assert.Equal(6, (long?)answer["bytes"]);
    }

    [Fact]
    public async Task Upload_ToAnHttp2WorkloadsEcho_ComesBackWhileTheBodyIsOpen()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        using var invoker = fixture.Sandbox.Invoker("admin");
        await ConnectAsync(invoker, "https:web:8443", deadline);
        using var upload = new ClientUpload();
        using var request = Request(HttpMethod.Post, HttpVersion.Version20, $"{Pods}https:web:8443/proxy/echo", upload);
        var sending = invoker.SendAsync(request, deadline);
        await OpenAsync(upload, sending, deadline);

        await upload.WriteAsync("hello\n"u8.ToArray(), deadline);

        // The echo's answer starts with its first bytes.
        Assert.True(await TestWait.CompletesWithinAsync(sending, TestWait.DefaultTimeout, deadline), "expected the echo's answer while the body is open");
        using var response = await sending;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {(response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(deadline))}");
        var body = await response.Content.ReadAsStreamAsync(deadline);
        var echoed = new byte[6];
        var reading = body.ReadExactlyAsync(echoed, deadline).AsTask();
        Assert.True(await TestWait.CompletesWithinAsync(reading, TestWait.DefaultTimeout, deadline), "expected the echo of the first bytes while the body is open");
        await reading;
        Assert.Equal("hello\n", Encoding.ASCII.GetString(echoed));
        upload.Complete();
        using var rest = new StreamReader(body);
        Assert.Equal("", await rest.ReadToEndAsync(deadline));
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task Upload_TrickledBelowKestrelsMinimumDataRatePastItsGrace_IsNotCut(string clientVersion)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var id = NewId();
        using var invoker = fixture.Sandbox.Invoker("admin");
        using var upload = new ClientUpload();
        using var request = Request(HttpMethod.Post, Version.Parse(clientVersion), $"{Pods}https:web:8443/proxy/uploads/{id}", upload);
        var sending = invoker.SendAsync(request, deadline);
        await OpenAsync(upload, sending, deadline);

        // The pace is the point: a byte every half second (2 B/s) for longer than the gateway's Kestrel would allow it.
        var trickle = Stopwatch.StartNew();
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        do
        {
            await upload.WriteAsync("."u8.ToArray(), deadline);
        }
        while (trickle.Elapsed < TrickleLength && await pace.WaitForNextTickAsync(deadline));

        upload.Complete();
        var answer = await AnswerAsync(sending, deadline);
        Assert.Equal(upload.Sent, (long?)answer["bytes"]);
        Assert.True((bool?)answer["complete"]);
    }

    /// <summary>
    /// A body of known length larger than <c>Limits:MaxRequestBodySize</c> (10 MiB) goes through whole and unchanged:
    /// a proxied body is streamed, and kube-apiserver bounds no proxied body's size.
    /// </summary>
    [Theory]
    [InlineData("https:web:8443")]
    [InlineData("http:web:8080")]
    public async Task Upload_OfKnownLengthLargerThanTheRequestBodyLimit_ReachesTheWorkloadWhole(string target)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var body = new byte[12 << 20];
        Random.Shared.NextBytes(body);
        using var invoker = fixture.Sandbox.Invoker("admin");
        using var content = new ByteArrayContent(body);
        using var request = Request(HttpMethod.Post, HttpVersion.Version20, $"{Pods}{target}/proxy/sha256", content);
        using var response = await invoker.SendAsync(request, deadline);
        var text = await response.Content.ReadAsStringAsync(deadline);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)), text);
    }

    /// <summary>
    /// A body that stops (a few bytes, then nothing, the request kept open) is not held for ever now that Kestrel's
    /// minimum rate is lifted for it: the exchange ends at <c>Proxy:IdleTimeout</c> (not before: a timer never fires
    /// early, and 1 s is left for the client's write returning after the gateway had the bytes), and the caller's
    /// in-flight slot is given back (with one slot per user, the next request is served; its answer may come a moment
    /// before the slot is, hence the retry). A gateway without that bound would keep the request open past the wait.
    /// </summary>
    [Theory]
    [InlineData("https:web:8443")]
    [InlineData("http:web:8080")]
    public async Task Upload_ThatStops_EndsAtTheProxyIdleTimeoutAndGivesItsSlotBack(string target)
    {
        var idleTimeout = TimeSpan.FromSeconds(5);
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        await using var sandbox = await ProductionSandbox.StartAsync(["--Proxy:PlainHttpNamespaces:0=demo", $"--Proxy:IdleTimeout={idleTimeout:c}", "--Limits:MaxProxyRequestsPerUser=1"], deadline);
        using var invoker = sandbox.Invoker("admin");
        await ServedAsync(invoker, sandbox.Host.GatewayUrl, target, deadline); // the pool's connection is open
        using var upload = new ClientUpload();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.Host.GatewayUrl, $"{Pods}{target}/proxy/uploads/{NewId()}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = upload,
        };
        var sending = invoker.SendAsync(request, deadline);
        await OpenAsync(upload, sending, deadline);
        await upload.WriteAsync("hello\n"u8.ToArray(), deadline);
        var quiet = Stopwatch.StartNew();

        // Then nothing: the exchange must end on its own, with an error answer or a reset stream.
        Assert.True(await TestWait.CompletesWithinAsync(sending, TestWait.DefaultTimeout, deadline), $"a stopped upload was still open {TestWait.DefaultTimeout.TotalSeconds} s after its last byte (Proxy:IdleTimeout is {idleTimeout.TotalSeconds} s)");
        quiet.Stop();
        Assert.True(quiet.Elapsed >= idleTimeout - TimeSpan.FromSeconds(1), $"the stopped upload ended after {quiet.Elapsed.TotalSeconds:F1} s, before Proxy:IdleTimeout ({idleTimeout.TotalSeconds} s)");
        if (sending.IsCompletedSuccessfully)
        {
            using var response = await sending;
            Assert.False(response.IsSuccessStatusCode, $"a stopped upload was answered {(int)response.StatusCode}");
        }

        await ServedAsync(invoker, sandbox.Host.GatewayUrl, target, deadline);
    }

    /// <summary>Until a GET of the workload's health through pods/proxy is answered 200.</summary>
    private static async Task ServedAsync(HttpMessageInvoker invoker, Uri gateway, string target, CancellationToken deadline)
    {
        var last = "nothing";
        await TestWait.UntilAsync(
            async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, $"{Pods}{target}/proxy/healthz"))
                {
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                };
                using var response = await invoker.SendAsync(request, token);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}";
                return response.StatusCode == HttpStatusCode.OK;
            },
            $"GET {target}/proxy/healthz is served",
            TestWait.DefaultTimeout,
            deadline,
            () => $"The last answer was {last}.");
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    private HttpRequestMessage Request(HttpMethod method, Version version, string pathAndQuery, HttpContent? body = null) =>
        new(method, new Uri(fixture.Sandbox.Host.GatewayUrl, pathAndQuery)) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = body };

    /// <summary>
    /// Has the gateway's pool for <paramref name="target"/> open its connection before the upload: a new HTTP/2
    /// connection's opening exchange (SETTINGS and their acknowledgement) flushes what the connection has buffered,
    /// and would carry an upload's first bytes along whatever the gateway does with them.
    /// </summary>
    private async Task ConnectAsync(HttpMessageInvoker invoker, string target, CancellationToken deadline)
    {
        using var request = Request(HttpMethod.Get, HttpVersion.Version20, $"{Pods}{target}/proxy/healthz");
        using var response = await invoker.SendAsync(request, deadline);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Until the client is sending the body; fails with the gateway's answer should that come first.</summary>
    private static async Task OpenAsync(ClientUpload upload, Task<HttpResponseMessage> sending, CancellationToken deadline)
    {
        if (await Task.WhenAny(upload.Opened, sending).WaitAsync(deadline) == sending)
        {
            using var response = await sending;
            Assert.Fail($"answered before the body was sent: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline)}");
        }
    }

    /// <summary>What the web workload reported of an upload in its answer, once the body has ended.</summary>
    private static async Task<JsonNode> AnswerAsync(Task<HttpResponseMessage> sending, CancellationToken deadline)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync(deadline);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!; // a 200 from the upload route is its JSON report
    }

    private async Task<JsonNode> ReceivedAsync(string id, long bytes, CancellationToken deadline)
    {
        JsonNode? seen = null;
        await TestWait.UntilAsync(
            async token => (seen = await fixture.UploadAsync(id, token)) is { } upload && (long?)upload["bytes"] >= bytes,
            $"the web workload has received {bytes} bytes of upload {id}",
            TestWait.DefaultTimeout,
            deadline,
            () => $"It reports {seen?.ToJsonString() ?? "no such upload"}.");
        return seen!; // set when the wait succeeds
    }
}
