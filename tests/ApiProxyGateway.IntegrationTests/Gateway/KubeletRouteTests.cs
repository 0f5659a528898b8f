using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.IntegrationTests.Tracing;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// The gateway's kubelet routes against the sandbox's kubelets, asserting what each kubelet received: method,
/// path (with the pod UID pinned), query as kube-apiserver translates it, protocol headers one per line, the
/// gateway's kubelet client certificate, and nothing of the caller's credentials.
/// </summary>
public sealed class KubeletRouteTests(GatewaySandboxFixture fixture) : IClassFixture<GatewaySandboxFixture>
{
    private const string GatewayKubeletClient = "CN=apiproxygateway-kubelet-client";

    [Fact]
    public async Task Logs_OptionsAndIdentity_ReachTheKubeletAsKubeApiserverSendsThem()
    {
        using var invoker = fixture.Invoker("admin");
        using var request = fixture.Request(HttpMethod.Get, "/api/v1/namespaces/demo/pods/talker/log?tailLines=2&timestamps=true&container=talker");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer stolen");
        request.Headers.TryAddWithoutValidation("X-Remote-User", "admin");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("talk", text, StringComparison.Ordinal);
        var received = fixture.KubeletRequests("/containerLogs/demo/talker/talker")[^1];
        Assert.Equal("GET", received.Method);
        Assert.Equal("/containerLogs/demo/talker/talker?timestamps=true&tailLines=2", received.PathAndQuery);
        Assert.StartsWith(GatewayKubeletClient, received.ClientCertificateSubject, StringComparison.Ordinal);
        Assert.Empty(received.HeaderValues("Authorization"));
        Assert.DoesNotContain(received.Headers.Keys, h => h.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase) || h.StartsWith("X-Remote-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["127.0.0.1"], received.HeaderValues("X-Forwarded-For"));
        Assert.Equal("HTTP/2", received.Protocol);
    }

    /// <summary>
    /// Logs reach the kubelet over HTTP/2, as kube-apiserver's do where the kubelet offers it, so followed logs share a
    /// connection to it instead of holding a TLS connection each.
    /// </summary>
    [Fact]
    public async Task FollowedLogs_ShareOneHttp2ConnectionToTheKubelet()
    {
        var ct = TestContext.Current.CancellationToken;
        using var invoker = fixture.Invoker("admin");
        var before = fixture.KubeletRequests("/containerLogs/demo/talker/talker").Count;
        var responses = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var request = fixture.Request(HttpMethod.Get, "/api/v1/namespaces/demo/pods/talker/log?follow=true&container=talker");
                responses.Add(await invoker.SendAsync(request, ct)); // an invoker returns at the headers
            }

            Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
            var received = fixture.KubeletRequests("/containerLogs/demo/talker/talker").Skip(before).ToList();
            Assert.Equal(3, received.Count);
            Assert.All(received, entry => Assert.Equal(("GET", "HTTP/2"), (entry.Method, entry.Protocol)));
            // Shared: on HTTP/1.1 each open log holds a connection of its own (three); new requests move to a new
            // connection once a minute, so an older connection may give way between two of them (two).
            Assert.InRange(received.Select(entry => entry.ConnectionId).Distinct().Count(), 1, 2);
            Assert.DoesNotContain(null, received.Select(entry => entry.ConnectionId));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task ExecOverSpdy_KeepsPostPinsTheUidAndSendsEachProtocolOnItsOwnLine()
    {
        using var invoker = fixture.Invoker("admin");
        var uid = fixture.PodUid("demo", "talker");
        using var request = fixture.Request(HttpMethod.Post, "/api/v1/namespaces/demo/pods/talker/exec?command=sh&command=-c&command=echo%20hi%3B%20exit%203&stdout=true&stderr=true");

        var (session, protocol) = await SpdyUpgrade.ConnectAsync(invoker, request, StreamProtocols.RemoteCommandSpdy, cancellationToken: TestContext.Current.CancellationToken);
        await using (session)
        {
            await using var exec = await RemoteCommandClient.StartSpdyAsync(session, protocol, new RemoteCommandOptions { Stdout = true, Stderr = true }, TestContext.Current.CancellationToken);
            var output = ReadAllAsync(exec.Stdout!);
            var result = await exec.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.Equal("hi\n", await output);
            Assert.Equal(3, result.ExitCode);
        }

        var received = fixture.KubeletRequests($"/exec/demo/talker/{uid}/talker")[^1];
        Assert.Equal("POST", received.Method);
        Assert.Equal($"/exec/demo/talker/{uid}/talker?output=1&error=1&command=sh&command=-c&command=echo%20hi%3B%20exit%203", received.PathAndQuery);
        Assert.Equal(StreamProtocols.RemoteCommandSpdy, received.HeaderValues("X-Stream-Protocol-Version"));
        Assert.Equal(["SPDY/3.1"], received.HeaderValues("Upgrade"));
        Assert.StartsWith(GatewayKubeletClient, received.ClientCertificateSubject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortForwardOverSpdy_GoesToThePinnedPod()
    {
        using var invoker = fixture.Invoker("admin");
        var uid = fixture.PodUid("demo", "server");
        using var request = fixture.Request(HttpMethod.Post, "/api/v1/namespaces/demo/pods/server/portforward");

        var (session, protocol) = await SpdyUpgrade.ConnectAsync(invoker, request, [StreamProtocols.PortForwardV1], cancellationToken: TestContext.Current.CancellationToken);
        await using (session)
        {
            await using var connection = await PortForwardConnection.OpenAsync(session, 8080, 1, TestContext.Current.CancellationToken);
            await connection.Data.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
            var reply = await ReadAllAsync(connection.Data);

            Assert.Equal(StreamProtocols.PortForwardV1, protocol);
            Assert.StartsWith("HTTP/1.1 200", reply, StringComparison.Ordinal);
        }

        var received = fixture.KubeletRequests($"/portForward/demo/server/{uid}")[^1];
        Assert.Equal("POST", received.Method);
        Assert.Equal([StreamProtocols.PortForwardV1], received.HeaderValues("X-Stream-Protocol-Version"));
    }

    [Theory]
    [InlineData("talker", "demo", "POST", "SPDY/3.1")]
    [InlineData("talker", "kube-system", "GET", "websocket")]
    public async Task ExecOverWebSocketV5_IsTranslatedForOldKubeletsAndPassedToNewOnes(string pod, string ns, string kubeletMethod, string kubeletUpgrade)
    {
        var uid = fixture.PodUid(ns, pod);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(StreamProtocols.RemoteCommandV5);
        socket.Options.HttpVersion = HttpVersion.Version11;
        var uri = new Uri(fixture.Host.GatewayUrl, $"/api/v1/namespaces/{ns}/pods/{pod}/exec?command=echo&command=v5&stdout=true".Replace("https://", "wss://", StringComparison.Ordinal));
        using var invoker = fixture.Invoker("admin");

        await socket.ConnectAsync(new Uri(uri.ToString().Replace("https://", "wss://", StringComparison.Ordinal)), invoker, TestContext.Current.CancellationToken);
        await using var exec = RemoteCommandClient.StartWebSocket(socket, StreamProtocols.RemoteCommandV5, new RemoteCommandOptions { Stdout = true });
        var output = ReadAllAsync(exec.Stdout!);
        var result = await exec.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal("v5\n", await output);
        Assert.Equal(0, result.ExitCode);
        var received = fixture.KubeletRequests($"/exec/{ns}/{pod}/{uid}/{pod}")[^1];
        Assert.Equal(kubeletMethod, received.Method);
        Assert.Equal([kubeletUpgrade], received.HeaderValues("Upgrade"));
    }

    [Theory]
    [InlineData("on-self-signed", "self-signed", "certificate signed by unknown authority")]
    [InlineData("on-unknown-ca", "unknown-ca", "certificate signed by unknown authority")]
    [InlineData("on-expired", "expired", "the certificate expired at")]
    [InlineData("on-wrong-san", "wrong-san", "the certificate is not valid for the dialled address")]
    [InlineData("on-wrong-cn", "wrong-cn", "the certificate belongs to")]
    [InlineData("on-down", "down", "connection refused")]
    [InlineData("on-slow-handshake", "slow-handshake", "timed out after 1s")]
    public async Task KubeletCertificateOrConnectionFault_IsA502NamingTheNodeAndTheReason(string pod, string node, string reason)
    {
        using var invoker = fixture.Invoker("admin");
        using var request = fixture.Request(HttpMethod.Get, $"/api/v1/namespaces/demo/pods/{pod}/log");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(node == "slow-handshake" ? HttpStatusCode.GatewayTimeout : HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains($"node \"{node}\"", (string?)status["message"], StringComparison.Ordinal);
        Assert.Contains(reason, (string?)status["message"], StringComparison.Ordinal);
        Assert.Empty(fixture.KubeletRequests($"/containerLogs/demo/{pod}/"));
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/demo/pods/talker/log?insecureSkipTLSVerifyBackend=true", null, HttpStatusCode.BadRequest, "insecureSkipTLSVerifyBackend is not supported")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods/talker/log?insecureSkipTLSVerifyBackend=1", null, HttpStatusCode.BadRequest, "insecureSkipTLSVerifyBackend is not supported")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods/talker/log?insecureSkipTLSVerifyBackend", null, HttpStatusCode.BadRequest, "insecureSkipTLSVerifyBackend is not supported")]
    [InlineData("POST", "/api/v1/namespaces/demo/pods/talker/exec?command=ls&stdout=true", null, HttpStatusCode.BadRequest, "Upgrade request required")]
    [InlineData("POST", "/api/v1/namespaces/demo/pods/talker/exec?command=ls&stdout=true", "h2c", HttpStatusCode.BadRequest, "upgrade to \"h2c\" is not allowed")]
    [InlineData("PUT", "/api/v1/namespaces/demo/pods/talker/log", null, HttpStatusCode.MethodNotAllowed, "does not allow the method PUT")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods/nobody/log", null, HttpStatusCode.NotFound, "pods \"nobody\" not found")]
    [InlineData("POST", "/api/v1/namespaces/demo/pods/talker/exec?stdout=true", "SPDY/3.1", HttpStatusCode.BadRequest, "you must specify at least one command")]
    public async Task BadRequest_GetsAStatusWithTheRightCodeAndNeverReachesAKubelet(string method, string path, string? upgrade, HttpStatusCode code, string message)
    {
        using var invoker = fixture.Invoker("admin");
        using var request = fixture.Request(new HttpMethod(method), path);
        if (upgrade is not null)
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        }

        var before = fixture.Host.KubeletRequestLog.Entries.Count;
        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(code, response.StatusCode);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Contains(message, (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal(before, fixture.Host.KubeletRequestLog.Entries.Count);
    }

    [Fact]
    public async Task WebSocketExec_ForAUserWithOnlyGetPodsExec_IsForbiddenAsCreate()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(StreamProtocols.RemoteCommandV5);
        socket.Options.CollectHttpResponseDetails = true;
        using var invoker = fixture.Invoker("getter");
        var uri = new Uri(fixture.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal) + "api/v1/namespaces/demo/pods/talker/exec?command=true&stdout=true");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, invoker, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Theory]
    [InlineData("v5.channel.k8s.io,v4.channel.k8s.io,v3.channel.k8s.io,v2.channel.k8s.io,channel.k8s.io", "v4.channel.k8s.io")] // JavaScript
    [InlineData("v4.channel.k8s.io", "v4.channel.k8s.io")] // Python
    [InlineData("", null)] // no sub-protocol at all, which the kubelet also serves
    public async Task PortForwardOverWebSocket_AsTheClientLibrariesAskForIt_ReachesTheKubeletAsItIs(string offered, string? chosen)
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        using var socket = new ClientWebSocket();
        foreach (var protocol in offered.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            socket.Options.AddSubProtocol(protocol);
        }

        using var invoker = fixture.Invoker("admin");
        var uid = fixture.PodUid("demo", "server");
        var uri = new Uri(fixture.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal) + "api/v1/namespaces/demo/pods/server/portforward?ports=8080");

        await socket.ConnectAsync(uri, invoker, ct);
        var opening = new[] { await ReceiveBinaryAsync(socket, ct), await ReceiveBinaryAsync(socket, ct) };
        await socket.SendAsync((byte[])[0, .. "GET /healthz HTTP/1.1\r\nHost: server\r\nConnection: close\r\n\r\n"u8], WebSocketMessageType.Binary, true, ct);
        var answer = new StringBuilder();
        while (await ReceiveBinaryAsync(socket, ct) is { Length: > 0 } message)
        {
            Assert.Equal(0, message[0]);
            answer.Append(Encoding.ASCII.GetString(message, 1, message.Length - 1));
        }

        Assert.Equal(chosen, socket.SubProtocol);
        Assert.Equal([[0, 0x90, 0x1f], [1, 0x90, 0x1f]], opening); // each channel opens with the port, little-endian
        Assert.StartsWith("HTTP/1.1 200 OK", answer.ToString(), StringComparison.Ordinal);
        var received = fixture.KubeletRequests($"/portForward/demo/server/{uid}")[^1];
        Assert.Equal($"/portForward/demo/server/{uid}?port=8080", received.PathAndQuery);
        Assert.StartsWith(GatewayKubeletClient, received.ClientCertificateSubject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("websocket", "Sec-WebSocket-Protocol", "base64.portforward.k8s.io", "speaks none of the WebSocket sub-protocols the client offered")]
    [InlineData("SPDY/3.1", "X-Stream-Protocol-Version", "v9.portforward.k8s.io", "speaks none of the stream protocol versions the client offered (unable to upgrade: unable to negotiate protocol")]
    public async Task Stream_WithAProtocolTheKubeletDoesNotSpeak_IsNamedAsSuchNotAsACertificateProblem(string upgrade, string header, string protocol, string expected)
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        using var invoker = fixture.Invoker("admin");
        using var request = fixture.Request(upgrade == "websocket" ? HttpMethod.Get : HttpMethod.Post, "/api/v1/namespaces/demo/pods/server/portforward?ports=8080");
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.TryAddWithoutValidation(header, protocol);

        using var response = await invoker.SendAsync(request, ct);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Forbidden", (string?)status["reason"]);
        Assert.Contains(expected, (string?)status["message"], StringComparison.Ordinal);
        Assert.DoesNotContain("certificate", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallersTraceContext_WithTracingOff_ReachesNeitherKubeletNorApiServer()
    {
        // Before tracing, YARP copied these to the API server as they came, and the SubjectAccessReview client sent
        // a traceparent continuing the caller's trace (ASP.NET Core's request activity adopted it) with its baggage.
        using var invoker = fixture.Invoker("admin");
        foreach (var path in new[] { "/api/v1/namespaces/demo/pods/talker/log?tailLines=1&container=talker", "/api/v1/namespaces/demo/pods/talker?traced=no" })
        {
            using var request = CallersTrace.AddTo(fixture.Request(HttpMethod.Get, path));
            using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var upstream = new[]
        {
            fixture.KubeletRequests("/containerLogs/demo/talker/talker")[^1],
            Assert.Single(fixture.Host.RequestLog.Entries, e => e.PathAndQuery == "/api/v1/namespaces/demo/pods/talker?traced=no"),
        }.Concat(fixture.Host.RequestLog.Entries.Where(e => e.PathAndQuery.StartsWith("/apis/authorization.k8s.io/v1/subjectaccessreviews", StringComparison.Ordinal))).ToList();
        Assert.True(upstream.Count >= 3, $"expected the kubelet's, the pass-through's and a SubjectAccessReview's request, got {upstream.Count}");
        Assert.All(upstream, entry => Assert.DoesNotContain(entry.Headers.Keys, name => CallersTrace.HeaderNames.Contains(name, StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>The next whole binary message; empty once the peer has closed.</summary>
    private static async Task<byte[]> ReceiveBinaryAsync(ClientWebSocket socket, CancellationToken ct)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return [];
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return message.ToArray();
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }
}
