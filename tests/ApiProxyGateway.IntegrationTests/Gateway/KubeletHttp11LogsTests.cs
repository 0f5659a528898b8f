using System.Net;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// <c>Kubelet:Http2=false</c>: logs are read from the kubelet over HTTP/1.1, a connection each, as before the gateway
/// spoke HTTP/2 to kubelets (the switch kube-apiserver has as <c>DISABLE_HTTP2</c>).
/// </summary>
public sealed class KubeletHttp11LogsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "apg-h11-" + Guid.NewGuid().ToString("N")[..8]);
    private ApiProxyGateway.Sandbox.Hosting.SandboxHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await FaultScenario.StartSandboxAsync(_directory, ["--Kubelet:Http2=false"]);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Logs_WithHttp2Off_ReachTheKubeletOverHttp11()
    {
        using var invoker = GatewayClients.Invoker(_host, "admin");
        using var request = GatewayClients.Request(_host, HttpMethod.Get, "/api/v1/namespaces/demo/pods/talker/log?tailLines=1&container=talker");

        using var response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("talk", text, StringComparison.Ordinal);
        var received = _host.KubeletRequestLog.Entries.Last(e => e.PathAndQuery.StartsWith("/containerLogs/demo/talker/talker", StringComparison.Ordinal));
        Assert.Equal("HTTP/1.1", received.Protocol);
    }
}
