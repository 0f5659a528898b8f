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
    private readonly ResourceIndex<EndpointSliceInfo> _slicesByService;
    private readonly ResourceIndex<NodeInfo> _nodesByAddress;

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
        Services = new ResourceCache<V1Service, ServiceInfo>(new ResourceCacheSource<V1Service, ServiceInfo>(
            "services",
            async ct =>
            {
                var list = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct);
                return ([.. list.Items], list.Metadata.ResourceVersion);
            },
            (rv, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, cancellationToken: ct),
            (ns, name, ct) => ReadOrNullAsync(() => client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: ct)),
            service => Key(service.Metadata.NamespaceProperty, service.Metadata.Name),
            service => service.Metadata?.ResourceVersion,
            ResourceProjections.ToServiceInfo), timeProvider, logger);
        EndpointSlices = new ResourceCache<V1EndpointSlice, EndpointSliceInfo>(new ResourceCacheSource<V1EndpointSlice, EndpointSliceInfo>(
            "endpointslices",
            async ct =>
            {
                var list = await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(cancellationToken: ct);
                return ([.. list.Items], list.Metadata.ResourceVersion);
            },
            (rv, ct) => client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, cancellationToken: ct),
            (ns, name, ct) => ReadOrNullAsync(() => client.DiscoveryV1.ReadNamespacedEndpointSliceAsync(name, ns, cancellationToken: ct)),
            slice => Key(slice.Metadata.NamespaceProperty, slice.Metadata.Name),
            slice => slice.Metadata?.ResourceVersion,
            ResourceProjections.ToEndpointSliceInfo), timeProvider, logger);
        _slicesByService = EndpointSlices.AddIndex(slice => slice.ServiceName is { } service ? [Key(slice.Namespace, service)] : []);
        _nodesByAddress = Nodes.AddIndex(node => node.Addresses
            .Select(a => System.Net.IPAddress.TryParse(a.Address, out var ip) ? AddressKey(ip) : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal));
        metrics.Meter.CreateObservableGauge("apiproxygateway.cache.synced", () => Caches.Select(cache =>
            new System.Diagnostics.Metrics.Measurement<int>(cache.HasSynced ? 1 : 0, new KeyValuePair<string, object?>("resource", cache.Kind))),
            "{synced}", "1 when the watch-backed cache of the resource has synced.");
    }

    public ResourceCache<V1Pod, PodInfo> Pods { get; }

    public ResourceCache<V1Node, NodeInfo> Nodes { get; }

    public ResourceCache<V1Service, ServiceInfo> Services { get; }

    public ResourceCache<V1EndpointSlice, EndpointSliceInfo> EndpointSlices { get; }

    public bool HasSynced => Caches.All(cache => cache.HasSynced);

    /// <summary>Each cache and whether it has synced, for readiness and metrics.</summary>
    public IEnumerable<(string Kind, bool HasSynced)> Caches =>
        [(Pods.Kind, Pods.HasSynced), (Nodes.Kind, Nodes.HasSynced), (Services.Kind, Services.HasSynced), (EndpointSlices.Kind, EndpointSlices.HasSynced)];

    public Task<ServiceInfo?> GetServiceAsync(string namespaceName, string name, CancellationToken cancellationToken) =>
        Services.GetAsync(Key(namespaceName, name), namespaceName, name, cancellationToken);

    /// <summary>The EndpointSlices of a Service (by the <c>kubernetes.io/service-name</c> label), from the cache.</summary>
    public IEnumerable<EndpointSliceInfo> EndpointSlicesOf(string namespaceName, string service) =>
        _slicesByService.Get(Key(namespaceName, service));

    /// <summary>
    /// The cached nodes that list <paramref name="address"/> among their addresses, however either is written (an IPv6
    /// form that embeds an IPv4 address reads as that address).
    /// </summary>
    public IEnumerable<NodeInfo> NodesAt(System.Net.IPAddress address) => _nodesByAddress.Get(AddressKey(address));

    public Task<PodInfo?> GetPodAsync(string namespaceName, string name, CancellationToken cancellationToken) =>
        Pods.GetAsync(Key(namespaceName, name), namespaceName, name, cancellationToken);

    public Task<NodeInfo?> GetNodeAsync(string name, CancellationToken cancellationToken) =>
        Nodes.GetAsync(Key(null, name), "", name, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Pods.RunAsync(stoppingToken), Nodes.RunAsync(stoppingToken), Services.RunAsync(stoppingToken), EndpointSlices.RunAsync(stoppingToken));

    private static string Key(string? namespaceName, string? name) => $"{namespaceName}/{name}";

    /// <summary>How the node index writes an address: embedded IPv4 forms as the IPv4 address.</summary>
    internal static string AddressKey(System.Net.IPAddress address) => Protocols.Net.EmbeddedIPv4.Unwrap(address).ToString();

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
