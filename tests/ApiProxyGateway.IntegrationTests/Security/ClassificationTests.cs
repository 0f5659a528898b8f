using System.Net;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>
/// Every request kube-apiserver would serve as a pod, service or node subresource is served or refused by the gateway,
/// in any encoding, and never reaches the API server, which would serve it without verifying the kubelet or workload
/// (finding 5); the kubelet endpoints that act on a node's pods are refused through nodes/proxy by default.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class ClassificationTests(SecuritySandboxFixture fixture)
{
    [Theory]
    [InlineData("POST", "/api/v1/namespaces/sec/pods/shell//exec?command=true&stdout=true", 400)]
    [InlineData("POST", "//api/v1/namespaces/sec/pods/shell/exec?command=true&stdout=true", 400)]
    [InlineData("POST", "/api/v1/namespaces/sec/pods/x/../shell/exec?command=true&stdout=true", 400)]
    [InlineData("POST", "/api/v1/namespaces/sec/pods/x/%2E%2E/shell/exec?command=true&stdout=true", 400)]
    [InlineData("POST", "/api/v1/namespaces/sec/pods/shell%2Fexec?command=true&stdout=true", 400)]
    [InlineData("POST", "/api/v1/namespaces/sec%2Fpods/shell/exec?command=true&stdout=true", 400)]
    [InlineData("GET", "/api/v1/namespaces/sec/pods/logger%2Flog?tailLines=1", 200)]
    [InlineData("GET", "/api/v1/namespaces/sec/pods/https:hostile:8443%2Fproxy/", 200)]
    [InlineData("GET", "/api/v1/namespaces/sec/services/https:hostile:443%2Fproxy/", 200)]
    [InlineData("GET", "/api/v1/nodes/node-a%2Fproxy/healthz", 200)]
    [InlineData("GET", "/api/v1/nodes/node-a/proxy/exec%2Fsec%2Fshell%2Fshell?command=id&output=1", 403)]
    [InlineData("POST", "/api/v1/nodes/node-a/proxy/run%2Fsec%2Fshell%2Fshell?cmd=id", 403)]
    [InlineData("POST", "/api/v1/nodes/node-a/proxy/healthz/%2E%2E/run/sec/shell/shell?cmd=id", 403)]
    [InlineData("GET", "/api/v1/proxy/namespaces/sec/pods/hostile/", 400)]
    [InlineData("GET", "/api/v1/watch/namespaces/sec/pods/shell/exec", 404)]
    [InlineData("GET", "/api/v1/namespaces/sec/pods/shell/exec/more?command=id&stdout=true", 404)]
    public async Task GatewaySubresource_InAnyEncoding_IsServedOrRefusedByTheGatewayAndNeverReachesTheApiServer(string method, string target, int expected)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        var (status, body, response) = await fixture.SendAsync("admin", new HttpMethod(method), target, deadline);
        response.Dispose();

        Assert.True(expected == (int)status, $"{method} {target}: {(int)status} {body}");
        Assert.DoesNotContain(fixture.Sandbox.Host.RequestLog.Entries, e => e.Time >= started
            && e.PathAndQuery.Split('?')[0] is var path && (path.Contains("exec", StringComparison.Ordinal) || path.Contains("/log", StringComparison.Ordinal)
                || path.Contains("proxy", StringComparison.Ordinal) || path.Contains("/run", StringComparison.Ordinal)));
        Assert.DoesNotContain(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started
            && (e.PathAndQuery.StartsWith("/exec", StringComparison.Ordinal) || e.PathAndQuery.StartsWith("/run", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PodLog_WithAnEncodedSlash_IsServedFromTheKubeletByTheGateway()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        var (status, body, response) = await fixture.SendAsync("developer", HttpMethod.Get, "/api/v1/namespaces/sec/pods/logger%2Flog?tailLines=1", deadline);
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("secure-logger", body, StringComparison.Ordinal);
        Assert.Contains(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started && e.PathAndQuery.StartsWith("/containerLogs/sec/logger/logger", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueryParameter_NamedInAnotherCase_IsIgnoredAsTheApiServerIgnoresIt()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        // Go's url.Values are case-sensitive: the API server reads "container", never "Container".
        var (status, body, response) = await fixture.SendAsync("developer", HttpMethod.Get, "/api/v1/namespaces/sec/pods/logger/log?tailLines=1&Container=missing", deadline);
        response.Dispose();

        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.Contains(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started && e.PathAndQuery.StartsWith("/containerLogs/sec/logger/logger", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/sec/pods/logger/log?container=%FF")]
    [InlineData("/api/v1/namespaces/sec/pods?watch=%C3")]
    public async Task QueryParameter_NotUtf8_IsRefusedWithAStatus(string target)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);

        var (status, body, response) = await fixture.SendAsync("developer", HttpMethod.Get, target, deadline);
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not UTF-8", body, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"Status\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeProxy_KubeletPortWrittenAnotherWay_IsStillTheKubeletWithItsChecks()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        var (healthStatus, _, health) = await fixture.SendAsync("admin", HttpMethod.Get, "/api/v1/nodes/node-a:010250/proxy/healthz", deadline);
        health.Dispose();
        var (runStatus, runBody, run) = await fixture.SendAsync("admin", HttpMethod.Post, "/api/v1/nodes/https:node-a:010250/proxy/run/sec/shell/shell?cmd=id", deadline);
        run.Dispose();

        Assert.Equal(HttpStatusCode.OK, healthStatus);
        Assert.Contains(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started && e.PathAndQuery == "/healthz"
            && e.ClientCertificateSubject?.Contains("apiproxygateway-kubelet-client", StringComparison.Ordinal) == true);
        Assert.Equal(HttpStatusCode.Forbidden, runStatus);
        Assert.Contains("/run", runBody, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started && e.PathAndQuery.StartsWith("/run", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https:hostnet:10250")]
    [InlineData("hostnet:10250")]
    public async Task PodProxy_ToTheKubeletThroughAHostNetworkPod_IsRefused(string target)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        var (status, body, response) = await fixture.SendAsync("developer", HttpMethod.Post, $"/api/v1/namespaces/sec/pods/{target}/proxy/run/sec/shell/shell?cmd=id", deadline);
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.EndsWith("is the kubelet of node \"node-a\", which is reached only through nodes/node-a/proxy", (string?)System.Text.Json.Nodes.JsonNode.Parse(body)!["message"], StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started);
    }

    [Theory]
    [InlineData("POST", "/api/v1/nodes/node-a/proxy/checkpoint/sec/shell/shell", "/checkpoint", "CVE-2025-0426")]
    [InlineData("GET", "/api/v1/nodes/node-a/proxy/logs/?query=kubelet", "/logs", "CVE-2024-9042")]
    [InlineData("GET", "/api/v1/nodes/node-a/proxy/logs?pattern=x", "/logs", "CVE-2024-9042")]
    public async Task NodeProxy_KubeletEndpointThatActsOnTheNode_IsRefusedByDefault(string method, string target, string kubeletPath, string reason)
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        var (status, body, response) = await fixture.SendAsync("admin", new HttpMethod(method), target, deadline);
        response.Dispose();

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started && e.PathAndQuery.StartsWith(kubeletPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeProxy_LogFileListing_NeedsNodesLogAndIsForwarded()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var started = DateTimeOffset.UtcNow;

        var (proberStatus, _, proberResponse) = await fixture.SendAsync("prober", HttpMethod.Get, "/api/v1/nodes/node-a/proxy/logs/", deadline);
        proberResponse.Dispose();
        var (adminStatus, _, adminResponse) = await fixture.SendAsync("admin", HttpMethod.Get, "/api/v1/nodes/node-a/proxy/logs/", deadline);
        adminResponse.Dispose();

        Assert.Equal(HttpStatusCode.Forbidden, proberStatus); // get nodes/proxy alone does not grant nodes/log
        Assert.NotEqual(HttpStatusCode.Forbidden, adminStatus);
        Assert.Single(fixture.Sandbox.Host.KubeletRequestLog.Entries, e => e.Time >= started && e.PathAndQuery == "/logs/");
    }
}
