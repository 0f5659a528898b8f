using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// The audit log the real gateway writes (<c>--audit-log-path</c>, here the sandbox's DIR/logs/audit.log): one
/// audit.k8s.io/v1 Event when a stream opens and one when it ends, saying who did what to which pod instance,
/// through which kubelet (address and certificate), how, and how it ended; and one for a denied request.
/// </summary>
[Collection(SharedProductionSandbox.Name)]
public sealed class AuditTests(ProductionSandboxFixture fixture)
{
    private static readonly TimeSpan TestTimeout = TestWait.OperationTimeout;

    [Fact]
    public async Task Exec_AllowedAndTranslated_IsAuditedWhenItStartsAndWhenItEnds()
    {
        var deadline = TestWait.Timeout(TestTimeout);
        var sandbox = fixture.Sandbox;
        var marker = "audited-" + Guid.NewGuid().ToString("N")[..8];
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(StreamProtocols.RemoteCommandV5);
        socket.Options.HttpVersion = HttpVersion.Version11;
        using var admin = sandbox.Invoker("admin");
        var uri = new Uri(sandbox.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal)
            + $"api/v1/namespaces/demo/pods/shell/exec?command=sh&command=-c&command=echo%20{marker}%3B%20exit%203&stdout=true");

        await socket.ConnectAsync(uri, admin, deadline);
        RemoteCommandResult result;
        await using (var exec = RemoteCommandClient.StartWebSocket(socket, StreamProtocols.RemoteCommandV5, new RemoteCommandOptions { Stdout = true }))
        {
            using var output = new StreamReader(exec.Stdout!);
            var read = output.ReadToEndAsync(deadline);
            result = await exec.WaitForExitAsync(deadline);
            Assert.Equal(marker + "\n", await read);
        }

        var events = await sandbox.AuditEventsUntilAsync(e => RequestUri(e).Contains(marker, StringComparison.Ordinal), found => found.Count >= 2, deadline);
        var kubeletCertificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(sandbox.Host.Pki.NodeCertificate("node-a"), deadline));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(2, events.Count);
        Assert.Equal(["ResponseStarted", "ResponseComplete"], events.Select(e => (string?)e["stage"]));
        Assert.Equal((string?)events[0]["auditID"], (string?)events[1]["auditID"]);
        Assert.True(Guid.TryParse((string?)events[0]["auditID"], out _));
        foreach (var auditEvent in events)
        {
            Assert.Equal("Event", (string?)auditEvent["kind"]);
            Assert.Equal("audit.k8s.io/v1", (string?)auditEvent["apiVersion"]);
            Assert.Equal("admin", (string?)auditEvent["user"]?["username"]);
            Assert.Contains("system:masters", auditEvent["user"]!["groups"]!.AsArray().Select(g => (string?)g));
            Assert.Equal("get", (string?)auditEvent["verb"]); // a WebSocket exec is a GET, authorized as get and create
            Assert.Equal($"/api/v1/namespaces/demo/pods/shell/exec?command=sh&command=-c&command=echo%20{marker}%3B%20exit%203&stdout=true", RequestUri(auditEvent));
            Assert.Equal(["127.0.0.1"], auditEvent["sourceIPs"]!.AsArray().Select(ip => (string?)ip));
            var objectRef = auditEvent["objectRef"]!;
            Assert.Equal("pods", (string?)objectRef["resource"]);
            Assert.Equal("exec", (string?)objectRef["subresource"]);
            Assert.Equal("demo", (string?)objectRef["namespace"]);
            Assert.Equal("shell", (string?)objectRef["name"]);
            Assert.Equal("v1", (string?)objectRef["apiVersion"]);
            Assert.Equal(sandbox.PodUid("demo", "shell"), (string?)objectRef["uid"]);
            Assert.Equal(101, (int?)auditEvent["responseStatus"]?["code"]);
            var annotations = auditEvent["annotations"]!;
            Assert.Equal("allow", (string?)annotations["authorization.k8s.io/decision"]);
            Assert.Equal("node-a", (string?)annotations["apiproxygateway.io/node"]);
            Assert.Equal($"{sandbox.Host.AddressPlan.NodeAddress(1)}:10250", (string?)annotations["apiproxygateway.io/upstream-address"]);
            Assert.Equal(Convert.ToHexStringLower(kubeletCertificate.GetCertHash(HashAlgorithmName.SHA256)), (string?)annotations["apiproxygateway.io/upstream-certificate-sha256"]);
            Assert.Equal("websocket-v5-translated", (string?)annotations["apiproxygateway.io/protocol"]);
        }

        var complete = events[1]["annotations"]!;
        Assert.Equal("0", (string?)complete["apiproxygateway.io/bytes-in"]);
        Assert.Equal((marker.Length + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)complete["apiproxygateway.io/bytes-out"]);
        Assert.Equal("3", (string?)complete["apiproxygateway.io/exit-code"]);
        Assert.Equal("upstream", (string?)complete["apiproxygateway.io/ended-by"]);
        Assert.Null(events[0]["annotations"]!["apiproxygateway.io/bytes-out"]);
    }

    [Fact]
    public async Task Exec_ClientSendsAMessageOverTheLimit_IsClosedWith1009AndAuditedAsAProtocolError()
    {
        var deadline = TestWait.Timeout(TestTimeout);
        var sandbox = fixture.Sandbox;
        var marker = "oversized-" + Guid.NewGuid().ToString("N")[..8];
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(StreamProtocols.RemoteCommandV5);
        socket.Options.HttpVersion = HttpVersion.Version11;
        using var admin = sandbox.Invoker("admin");
        var uri = new Uri(sandbox.Host.GatewayUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal)
            + $"api/v1/namespaces/demo/pods/shell/exec?command=sh&command=-c&command=cat%20%23{marker}&stdin=true&stdout=true");
        var message = new byte[ChannelWebSocket.DefaultMaxMessageSize + 1]; // channel 0 (stdin) and 32 MiB of zeros

        await socket.ConnectAsync(uri, admin, deadline);
        await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, deadline);
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(new byte[1024], deadline);
        }
        while (received.MessageType != WebSocketMessageType.Close);

        var events = await sandbox.AuditEventsUntilAsync(e => RequestUri(e).Contains(marker, StringComparison.Ordinal), found => found.Count >= 2, deadline);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, received.CloseStatus);
        Assert.Equal("message larger than the channel protocol limit of 33554432 bytes", received.CloseStatusDescription);
        Assert.Equal("protocol-error", (string?)events[1]["annotations"]?["apiproxygateway.io/ended-by"]);
    }

    [Fact]
    public async Task Exec_Denied_IsAuditedOnceWith403AndTheForbidDecision()
    {
        var deadline = TestWait.Timeout(TestTimeout);
        var sandbox = fixture.Sandbox;
        var marker = "denied-" + Guid.NewGuid().ToString("N")[..8];
        using var viewer = sandbox.Invoker("viewer");
        using var request = sandbox.Request(HttpMethod.Post, $"/api/v1/namespaces/demo/pods/shell/exec?command=echo&command={marker}&stdout=true");
        var before = sandbox.Host.KubeletRequestLog.Entries.Count;

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => SpdyUpgrade.ConnectAsync(viewer, request, StreamProtocols.RemoteCommandSpdy, cancellationToken: deadline));
        var first = await sandbox.AuditEventsUntilAsync(e => RequestUri(e).Contains(marker, StringComparison.Ordinal), found => found.Count >= 1, deadline);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(before, sandbox.Host.KubeletRequestLog.Entries.Count);
        var auditEvent = Assert.Single(first);
        Assert.Equal("ResponseComplete", (string?)auditEvent["stage"]);
        Assert.Equal("viewer", (string?)auditEvent["user"]?["username"]);
        Assert.Equal("create", (string?)auditEvent["verb"]);
        Assert.Equal("exec", (string?)auditEvent["objectRef"]?["subresource"]);
        Assert.Equal("shell", (string?)auditEvent["objectRef"]?["name"]);
        Assert.Equal(403, (int?)auditEvent["responseStatus"]?["code"]);
        Assert.Equal("Forbidden", (string?)auditEvent["responseStatus"]?["reason"]);
        Assert.Contains("cannot create resource \"pods/exec\"", (string?)auditEvent["responseStatus"]?["message"], StringComparison.Ordinal);
        Assert.Equal("forbid", (string?)auditEvent["annotations"]?["authorization.k8s.io/decision"]);
        Assert.Null(auditEvent["annotations"]?["apiproxygateway.io/node"]);
    }

    private static string RequestUri(JsonObject auditEvent) => (string?)auditEvent["requestURI"] ?? "";
}
