using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ApiProxyGateway.Kubernetes;

/// <summary>
/// The pods and nodes the gateway routes to, from watch-backed caches. Runs for the lifetime of the gateway.
/// </summary>
internal sealed class ClusterView : BackgroundService
{
    private static readonly int WatchTimeoutSeconds = 300;

    public ClusterView(KubernetesApi api, Telemetry.GatewayMetrics metrics, TimeProvider timeProvider, ILogger<ClusterView> logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(metrics);
        var client = api.Client;
        Pods = new ResourceCache<V1Pod, PodInfo>(new ResourceCacheSource<V1Pod, PodInfo>(
            "pods",
            async ct =>
            {
                var list = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct);
                return ([.. list.Items], list.Metadata.ResourceVersion);
            },
            (rv, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, cancellationToken: ct),
            (ns, name, ct) => ReadOrNullAsync(() => client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: ct)),
            pod => Key(pod.Metadata.NamespaceProperty, pod.Metadata.Name),
            pod => pod.Metadata?.ResourceVersion,
            ResourceProjections.ToPodInfo), timeProvider, logger);
        Nodes = new ResourceCache<V1Node, NodeInfo>(new ResourceCacheSource<V1Node, NodeInfo>(
            "nodes",
            async ct =>
            {
                var list = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
                return ([.. list.Items], list.Metadata.ResourceVersion);
            },
            (rv, ct) => client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, cancellationToken: ct),
            (_, name, ct) => ReadOrNullAsync(() => client.CoreV1.ReadNodeAsync(name, cancellationToken: ct)),
            node => Key(null, node.Metadata.Name),
            node => node.Metadata?.ResourceVersion,
            ResourceProjections.ToNodeInfo), timeProvider, logger);
        metrics.Meter.CreateObservableGauge("apiproxygateway.cache.synced", () => new[]
        {
            new System.Diagnostics.Metrics.Measurement<int>(Pods.HasSynced ? 1 : 0, new KeyValuePair<string, object?>("resource", "pods")),
            new System.Diagnostics.Metrics.Measurement<int>(Nodes.HasSynced ? 1 : 0, new KeyValuePair<string, object?>("resource", "nodes")),
        }, "{synced}", "1 when the watch-backed cache of the resource has synced.");
    }

    public ResourceCache<V1Pod, PodInfo> Pods { get; }

    public ResourceCache<V1Node, NodeInfo> Nodes { get; }

    public bool HasSynced => Pods.HasSynced && Nodes.HasSynced;

    public Task<PodInfo?> GetPodAsync(string namespaceName, string name, CancellationToken cancellationToken) =>
        Pods.GetAsync(Key(namespaceName, name), namespaceName, name, cancellationToken);

    public Task<NodeInfo?> GetNodeAsync(string name, CancellationToken cancellationToken) =>
        Nodes.GetAsync(Key(null, name), "", name, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Pods.RunAsync(stoppingToken), Nodes.RunAsync(stoppingToken));

    private static string Key(string? namespaceName, string? name) => $"{namespaceName}/{name}";

    private static async Task<T?> ReadOrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
