using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Controllers;

/// <summary>
/// kube-controller-manager's endpoint and endpointslice controllers in miniature: for every Service with a selector,
/// an Endpoints object and one EndpointSlice listing the ready pods it selects (targetRef, nodeName, named ports
/// resolved against the pods' container ports). Re-run on every pod or service change.
/// </summary>
internal sealed class EndpointsController(ResourceStore store)
{
    private const string ServiceNameLabel = "kubernetes.io/service-name";
    private const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    private const string ManagedBy = "endpointslice-controller.k8s.io";

    /// <summary>Reconciles now, then on every change until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var pods = store.Typed.Watch<V1Pod>(sinceResourceVersion: store.ResourceVersion);
        using var services = store.Typed.Watch<V1Service>(sinceResourceVersion: store.ResourceVersion);
        ReconcileAll();
        Task<bool>? podChange = null;
        Task<bool>? serviceChange = null;
        try
        {
            while (true)
            {
                // Keep each pending wait across iterations: a single-reader channel allows one outstanding wait.
                podChange ??= pods.Events.WaitToReadAsync(cancellationToken).AsTask();
                serviceChange ??= services.Events.WaitToReadAsync(cancellationToken).AsTask();
                var completed = await Task.WhenAny(podChange, serviceChange);
                await completed; // throws when cancelled
                podChange = podChange.IsCompleted ? null : podChange;
                serviceChange = serviceChange.IsCompleted ? null : serviceChange;
                var namespaces = new HashSet<string>(StringComparer.Ordinal);
                while (pods.Events.TryRead(out var change) || services.Events.TryRead(out change))
                {
                    namespaces.Add(change.Namespace);
                }

                foreach (var @namespace in namespaces)
                {
                    Reconcile(@namespace);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    public void ReconcileAll()
    {
        foreach (var ns in store.Typed.List<V1Namespace>())
        {
            Reconcile(ns.Metadata.Name);
        }
    }

    private void Reconcile(string @namespace)
    {
        var pods = store.Typed.List<V1Pod>(@namespace);
        foreach (var service in store.Typed.List<V1Service>(@namespace).Where(s => s.Spec?.Selector is { Count: > 0 }))
        {
            var selected = pods
                .Where(p => service.Spec.Selector.All(kv => p.Metadata.Labels?.TryGetValue(kv.Key, out var v) == true && v == kv.Value))
                .Where(p => p.Status?.PodIP is { Length: > 0 } && p.Metadata.DeletionTimestamp is null && IsReady(p))
                .ToList();
            try
            {
                Apply(ToEndpoints(service, selected), store.Typed.Get<V1Endpoints>(@namespace, service.Metadata.Name));
                var sliceName = $"{service.Metadata.Name}-{service.Metadata.Uid[..5]}";
                Apply(ToSlice(service, selected, sliceName), store.Typed.Get<V1EndpointSlice>(@namespace, sliceName));
            }
            catch (ResourceStoreException)
            {
                // raced with a deletion of the service or namespace: the next change reconciles again
            }
        }
    }

    private void Apply<T>(T desired, T? current)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        if (current is null)
        {
            store.Typed.Create(desired);
            return;
        }

        desired.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
        desired.Metadata.Uid = current.Metadata.Uid;
        desired.Metadata.CreationTimestamp = current.Metadata.CreationTimestamp;
        if (TypedResourceStore.ToJson(desired).ToJsonString() != TypedResourceStore.ToJson(current).ToJsonString())
        {
            store.Typed.Update(desired);
        }
    }

    private static V1Endpoints ToEndpoints(V1Service service, List<V1Pod> pods) => new()
    {
        ApiVersion = "v1",
        Kind = "Endpoints",
        Metadata = new V1ObjectMeta
        {
            Name = service.Metadata.Name,
            NamespaceProperty = service.Metadata.NamespaceProperty,
            Labels = service.Metadata.Labels,
        },
        Subsets = pods.Count == 0 ? null :
        [
            new V1EndpointSubset
            {
                Addresses = [.. pods.Select(p => new V1EndpointAddress { Ip = p.Status.PodIP, NodeName = p.Spec.NodeName, TargetRef = TargetRef(p) })],
                Ports = [.. (service.Spec.Ports ?? []).Select(port => new Corev1EndpointPort { Name = port.Name, Port = TargetPort(port, pods[0]), Protocol = port.Protocol ?? "TCP" })],
            },
        ],
    };

    private static V1EndpointSlice ToSlice(V1Service service, List<V1Pod> pods, string name) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = service.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string> { [ServiceNameLabel] = service.Metadata.Name, [ManagedByLabel] = ManagedBy },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Service", Name = service.Metadata.Name, Uid = service.Metadata.Uid, Controller = true, BlockOwnerDeletion = true }],
        },
        AddressType = "IPv4",
        Endpoints = [.. pods.Select(p => new V1Endpoint
        {
            Addresses = [p.Status.PodIP],
            Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false },
            NodeName = p.Spec.NodeName,
            TargetRef = TargetRef(p),
        })],
        Ports = [.. (service.Spec.Ports ?? []).Select(port => new Discoveryv1EndpointPort
        {
            Name = port.Name,
            Port = pods.Count > 0 ? TargetPort(port, pods[0]) : null,
            Protocol = port.Protocol ?? "TCP",
        })],
    };

    private static V1ObjectReference TargetRef(V1Pod pod) =>
        new() { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid };

    /// <summary>A named targetPort is looked up in the pod's container ports, as the endpoints controller does.</summary>
    private static int TargetPort(V1ServicePort port, V1Pod pod)
    {
        var target = port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (int.TryParse(target, out var number))
        {
            return number;
        }

        return pod.Spec.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == target)?.ContainerPort ?? port.Port;
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? pod.Status.Phase == "Running";
}
