using System.Net;
using ApiProxyGateway.IntegrationTests.Gateway;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>
/// The real gateway process in front of the sandbox, with a cluster selection over HTTPConnect on a Unix domain
/// socket: logs from a kubelet and pods proxy to a workload (https and http) all go through the in-test CONNECT
/// proxy, with the gateway's TLS verification end to end, and their audit events name the egress.
/// </summary>
public sealed class SandboxEgressTests
{
    [Fact]
    public async Task ClusterSelection_CarriesKubeletAndWorkloadConnections_AndTheAuditNamesIt()
    {
        var deadline = TestWait.Timeout(TimeSpan.FromSeconds(90));
        var directory = Directory.CreateTempSubdirectory("apg-sbe-").FullName;
        var socket = Path.Combine(Path.GetTempPath(), $"apg-sbe-{Guid.NewGuid():N}"[..16] + ".sock");
        await using var proxy = TestConnectProxy.OnUnixSocket(socket);
        try
        {
            var file = TestEgress.WriteConfiguration(directory, TestEgress.Selection("cluster", "HTTPConnect", $$"""{ uds: { udsName: "{{socket}}" } }"""));
            await using var sandbox = await ProductionSandbox.StartAsync(["--egress-selector-config-file", file, "--Proxy:PlainHttpNamespaces:0=demo"], deadline);
            using var admin = sandbox.Invoker("admin");

            var logs = await GetAsync(sandbox, admin, "/api/v1/namespaces/demo/pods/logger/log?tailLines=1", deadline);
            var https = await GetAsync(sandbox, admin, "/api/v1/namespaces/demo/pods/https:web:8443/proxy/echo", deadline);
            var http = await GetAsync(sandbox, admin, "/api/v1/namespaces/demo/pods/http:web:8080/proxy/echo", deadline);

            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (logs, https, http));
            var connects = proxy.RequestLines.ToArray();
            Assert.Contains(connects, line => line.EndsWith(":10250 HTTP/1.1", StringComparison.Ordinal));
            Assert.Contains(connects, line => line.EndsWith(":8443 HTTP/1.1", StringComparison.Ordinal));
            Assert.Contains(connects, line => line.EndsWith(":8080 HTTP/1.1", StringComparison.Ordinal));
            var events = await sandbox.AuditEventsUntilAsync(
                e => ((string?)e["requestURI"] ?? "").Contains("/namespaces/demo/pods/", StringComparison.Ordinal) && (string?)e["stage"] == "ResponseComplete",
                found => found.Count >= 3, deadline);
            Assert.All(events, e => Assert.Equal("httpconnect", (string?)e["annotations"]?["apiproxygateway.io/egress"]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            File.Delete(socket);
        }
    }

    private static async Task<HttpStatusCode> GetAsync(ProductionSandbox sandbox, HttpMessageInvoker invoker, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = sandbox.Request(HttpMethod.Get, pathAndQuery);
        using var response = await invoker.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{pathAndQuery}: {(int)response.StatusCode} {body}");
        return response.StatusCode;
    }
}
