namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// A test class's handle on the run's one sandbox of kind <typeparamref name="TFixture"/> (<see cref="EgressSandboxes"/>):
/// a class fixture, so the sandbox is running before the class's first test, and nothing to stop when the class ends.
/// </summary>
public sealed class SharedSandbox<TFixture>(EgressSandboxes sandboxes) : IAsyncLifetime
    where TFixture : SandboxFixture, new()
{
    public SandboxFixture Fixture { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Fixture = await sandboxes.GetAsync<TFixture>();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
