using ApiProxyGateway.EndToEndTests.Infrastructure;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>The <see cref="JavaScriptClientTests"/> through the gateway, plus what only the gateway serves.</summary>
public sealed class GatewayJavaScriptClientTests(SandboxFixture fixture) : JavaScriptClientTests(fixture)
{
    protected override string ContextPrefix => "";

    /// <summary>Gateway only: the sandbox's API server does not serve services/proxy (503). The gateway refuses plain http to workloads, so https.</summary>
    [Fact]
    public async Task ServiceProxy_WebServiceOverHttps_ReachesThePod()
    {
        // client-node escapes the name into the path (https%3Aweb%3Ahttps); the server unescapes it.
        var run = await RunAsync("serviceProxy", new { @namespace = "demo", name = "https:web:https", path = "anything" });

        Assert.True(run.Succeeded, run.ToString());
        var body = run.Result.GetProperty("body");
        Assert.Equal("web", body.GetProperty("pod").GetString());
        Assert.Equal("/anything", body.GetProperty("path").GetString());
        Assert.Equal("https", body.GetProperty("scheme").GetString());
    }
}
