using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>The <see cref="PythonClientTests"/> through the gateway, plus what only the gateway serves.</summary>
public sealed class GatewayPythonClientTests(SandboxFixture fixture) : PythonClientTests(fixture)
{
    protected override string ContextPrefix => "";

    /// <summary>Gateway only: the sandbox's API server does not serve services/proxy (503). The gateway refuses plain http to workloads, so https.</summary>
    [Fact]
    public async Task ServiceProxy_HttpsPortOfTheWebService_ReachesThePod()
    {
        var result = await RunAsync("service-proxy", new { @namespace = "demo", service = "https:web:443", path = "hello" });

        var response = result.GetProperty("response");
        Assert.Equal("web", response.GetProperty("pod").GetString());
        Assert.Equal("/hello", response.GetProperty("path").GetString());
        Assert.Equal("https", response.GetProperty("scheme").GetString());
    }
}
