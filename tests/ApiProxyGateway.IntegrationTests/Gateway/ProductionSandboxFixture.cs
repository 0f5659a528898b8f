namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>One <see cref="ProductionSandbox"/> for the limit and audit tests, with a per-user stream limit of 2.</summary>
public sealed class ProductionSandboxFixture : IAsyncLifetime
{
    public const int StreamsPerUser = 2;

    public ProductionSandbox Sandbox { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Sandbox = await ProductionSandbox.StartAsync([$"--Limits:MaxStreamsPerUser={StreamsPerUser}"], TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }
    }
}
