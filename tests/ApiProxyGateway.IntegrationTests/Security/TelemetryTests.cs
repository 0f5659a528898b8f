using System.Net;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Security;

/// <summary>No client or workload input becomes a metric label, and the API server sees its own Host (finding 6).</summary>
[Collection(SecuritySuite.Name)]
public sealed class TelemetryTests(SecuritySandboxFixture fixture)
{
    [Fact]
    public async Task ClientHostHeader_NeverBecomesAMetricLabelNorTheUpstreamHost()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var forged = "host-" + Guid.NewGuid().ToString("N")[..8] + ".example";
        var marker = "limit=" + Random.Shared.Next(1, 1_000_000);

        var (status, _, response) = await fixture.SendAsync("developer", HttpMethod.Get, "/api/v1/namespaces/sec/pods?" + marker, deadline, configure: r => r.Headers.Host = forged);
        response.Dispose();
        (await fixture.SendAsync("developer", HttpMethod.Get, "/api/v1/namespaces/sec/pods/https:hostile:8443/proxy/", deadline, configure: r => r.Headers.Host = forged)).Response.Dispose();
        (await fixture.SendAsync("admin", HttpMethod.Get, "/api/v1/nodes/node-a/proxy/healthz", deadline, configure: r => r.Headers.Host = forged)).Response.Dispose();
        var metrics = await fixture.Sandbox.ScrapeUntilAsync(text => text.Contains("http_client_request_duration", StringComparison.Ordinal), deadline);

        Assert.Equal(HttpStatusCode.OK, status);
        var received = Assert.Single(fixture.Sandbox.Host.RequestLog.Entries, e => e.PathAndQuery.EndsWith(marker, StringComparison.Ordinal));
        Assert.Equal([fixture.Sandbox.Host.ApiServerUrl.Authority], received.HeaderValues("Host"));
        Assert.DoesNotContain(forged, metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(metrics.Split('\n'), line => line.StartsWith("http_client", StringComparison.Ordinal) && line.Contains("server_address", StringComparison.Ordinal));
    }

    /// <summary>
    /// Measurements taken on every request only where they say something the gateway's own series do not: the framework's
    /// active-request gauges and its authentication meter are not exported; the gateway's own gauge of requests in
    /// progress is, next to the outgoing requests' durations.
    /// </summary>
    [Fact]
    public async Task Metrics_AfterTraffic_LeaveOutPerRequestGaugesAndExportTheGatewaysActiveCount()
    {
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        (await fixture.SendAsync("developer", HttpMethod.Get, "/api/v1/namespaces/sec/pods", deadline)).Response.Dispose();
        var metrics = await fixture.Sandbox.ScrapeUntilAsync(text => text.Contains("http_client_request_duration", StringComparison.Ordinal), deadline);

        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("apiproxygateway_requests_active{", StringComparison.Ordinal));
        Assert.Contains("http_server_request_duration", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("http_server_active_requests", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("http_client_active_requests", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_authentication", metrics, StringComparison.Ordinal);
    }
}
