using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// A pod whose containers run as host processes. Every container change is written to the pod's status in the
/// store (so <c>kubectl get pods</c> shows phase, readiness, restarts), serialised and only while the stored pod
/// still has this UID.
/// </summary>
internal sealed class RunningPod : IAsyncDisposable
{
    private readonly ResourceStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _reporting = new(1, 1);
    private readonly DateTimeOffset _startTime;
    private Task _containers = Task.CompletedTask;

    public RunningPod(PodContext context, ResourceStore store, ProcessRegistry registry, TimeProvider timeProvider)
    {
        Context = context;
        _store = store;
        _timeProvider = timeProvider;
        _startTime = timeProvider.GetUtcNow();
        Containers = context.Pod.Spec.Containers
            .Select(c => new ContainerSupervisor(context, c, registry, timeProvider, () => _ = ReportAsync()))
            .ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public PodContext Context { get; }

    public IReadOnlyDictionary<string, ContainerSupervisor> Containers { get; }

    public void Start()
    {
        foreach (var container in Containers.Keys)
        {
            Directory.CreateDirectory(Context.ContainerDirectory(container));
        }

        _containers = Task.WhenAll(Containers.Values.Select(c => c.RunAsync(_stopping.Token)));
        _ = ReportAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _containers;
        await _reporting.WaitAsync();
        _reporting.Dispose();
        _stopping.Dispose();
    }

    private async Task ReportAsync()
    {
        try
        {
            await _reporting.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                if (_store.Typed.Get<V1Pod>(Context.Namespace, Context.Name) is not { } stored || stored.Metadata.Uid != Context.Uid)
                {
                    return;
                }

                stored.Status = PodStatusBuilder.Build(this, _startTime, _timeProvider.GetUtcNow());
                try
                {
                    _store.Typed.Update(stored);
                    return;
                }
                catch (ResourceStoreException e) when (e.StatusCode == 409)
                {
                    // Someone changed the pod meanwhile: read it again.
                }
                catch (ResourceStoreException e) when (e.StatusCode == 404)
                {
                    return;
                }
            }
        }
        finally
        {
            _reporting.Release();
        }
    }
}
