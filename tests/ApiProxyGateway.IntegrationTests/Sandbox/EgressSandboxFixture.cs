using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Sandbox.Network;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// The default scenario with <c>--egress http-connect --egress-transport tcp</c> and no gateway (the gateway side of
/// egress is not part of the sandbox): kubelets and pods in their own network namespace, an agent per node.
/// </summary>
public sealed class EgressSandboxFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("apg-egress-");

    public string? Unavailable { get; } = NodeNetwork.IsolationUnavailable();

    public SandboxHost Host { get; private set; } = null!;

    public KonnectivityPlane Konnectivity => Host.Konnectivity!; // ! the fixture always starts in egress mode

    public async ValueTask InitializeAsync()
    {
        if (Unavailable is null)
        {
            Host = await SandboxHost.StartAsync(new SandboxOptions
            {
                StateDirectory = Path.Combine(_directory.FullName, "state"),
                AddressBlock = null,
                StartGateway = false,
                Egress = EgressProtocol.HttpConnect,
                EgressTransport = EgressTransport.Tcp,
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        _directory.Delete(recursive: true);
    }

    public void SkipUnlessAvailable() => Assert.SkipWhen(Unavailable is not null, $"network namespaces are not available here: {Unavailable}");
}
