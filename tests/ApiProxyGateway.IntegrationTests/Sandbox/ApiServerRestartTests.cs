using System.Net;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

public sealed class ApiServerRestartTests
{
    [Fact]
    public async Task StopApiServer_ThenStart_RefusesThenServesSameState()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var stateDirectory = Path.Combine(Path.GetTempPath(), "apg-it-" + Guid.NewGuid().ToString("N")[..8]);
        var host = await TestSandbox.StartAsync(TestSandbox.Options(stateDirectory, gatewayArguments: null), cancellation);
        try
        {
            using var client = host.CreateApiServerClient("admin");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/namespaces/demo/pods/web", cancellation)).StatusCode);

            await host.StopApiServerAsync(cancellation);
            Assert.False(host.IsApiServerRunning);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/api/v1/namespaces/demo/pods/web", cancellation));

            await host.StartApiServerAsync(cancellation);
            using var fresh = host.CreateApiServerClient("admin");
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/v1/namespaces/demo/pods/web", cancellation)).StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(stateDirectory, recursive: true);
        }
    }
}
