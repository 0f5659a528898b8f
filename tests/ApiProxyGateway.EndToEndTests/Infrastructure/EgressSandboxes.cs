using System.Collections.Concurrent;

[assembly: AssemblyFixture(typeof(ApiProxyGateway.EndToEndTests.Infrastructure.EgressSandboxes))]

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// The Konnectivity sandboxes of the whole run, one per kind of <see cref="SandboxFixture"/>: each is started by the
/// first test class that asks for it (through <see cref="SharedSandbox{TFixture}"/>) and stopped after the last test,
/// so every class of a mode shares one sandbox while the classes still run in parallel, and a run that selects no
/// class of a mode starts nothing for it (an assembly fixture of each kind would start them all before any test).
/// </summary>
public sealed class EgressSandboxes : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Type, Lazy<Task<SandboxFixture>>> _started = new();

    /// <summary>The running sandbox of kind <typeparamref name="TFixture"/>, started now if no class has asked for it yet.</summary>
    public Task<SandboxFixture> GetAsync<TFixture>()
        where TFixture : SandboxFixture, new() =>
        _started.GetOrAdd(typeof(TFixture), _ => new Lazy<Task<SandboxFixture>>(StartAsync<TFixture>)).Value;

    public async ValueTask DisposeAsync()
    {
        // A sandbox that failed to start has already said so to every class that asked for it. Each running one is
        // stopped even if another could not be (its check for surviving processes throws).
        var running = _started.Values.Select(lazy => lazy.Value).Where(task => task.IsCompletedSuccessfully).Select(task => task.Result);
        List<Exception> failures = [];
        foreach (var fixture in running)
        {
            try
            {
                await fixture.DisposeAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Stopping the shared Konnectivity sandboxes found problems.", failures);
        }
    }

    private static async Task<SandboxFixture> StartAsync<TFixture>()
        where TFixture : SandboxFixture, new()
    {
        var fixture = new TFixture();
        try
        {
            await fixture.InitializeAsync();
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync(); // whatever did start stops now: no class will ever hold this one
            throw;
        }
    }
}
