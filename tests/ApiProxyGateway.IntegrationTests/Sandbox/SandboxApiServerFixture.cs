using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>One sandbox control plane (no gateway) in a random 127.B block and a temporary state directory.</summary>
public sealed class SandboxApiServerFixture : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "apg-it-" + Guid.NewGuid().ToString("N")[..8]);

    public SandboxHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Host = await TestSandbox.StartAsync(TestSandbox.Options(_stateDirectory, gatewayArguments: null), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Directory.Delete(_stateDirectory, recursive: true);
    }
}
