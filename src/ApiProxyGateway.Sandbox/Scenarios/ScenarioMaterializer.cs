using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>
/// Puts a scenario into the store, filling in what a running cluster would report (node addresses and conditions,
/// pod IPs and container statuses, service cluster IPs) from the address plan, so scenario files stay block-independent.
/// </summary>
internal sealed class ScenarioMaterializer(AddressPlan plan, ResourceStore store, TimeProvider timeProvider)
{
    public const string KubernetesVersion = "v1.35.0";

    private static readonly string[] PodConditions = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];

    private readonly Dictionary<string, (int Number, string Address)> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _podsPerNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxNodeSettings> _settings = new(StringComparer.Ordinal);
    private int _services;

    public void Apply(Scenario scenario)
    {
        foreach (var settings in scenario.Config.Nodes)
        {
            _settings[settings.Name] = settings;
        }

        var declared = scenario.Objects.Where(o => o.Type == ResourceCatalog.Namespaces).Select(o => o.Name).ToHashSet();
        foreach (var name in ScenarioLoader.SystemNamespaces.Where(n => !declared.Contains(n)))
        {
            store.Typed.Create(Namespace(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }));
        }

        // Namespaces and nodes first: everything else refers to them.
        var ordered = scenario.Objects.OrderBy(o => o.Type == ResourceCatalog.Namespaces ? 0 : o.Type == ResourceCatalog.Nodes ? 1 : 2);
        foreach (var item in ordered)
        {
            var typed = store.Typed;
            switch (item.Type.Kind)
            {
                case "Namespace":
                    typed.Create(Namespace(TypedResourceStore.FromJson<V1Namespace>(item.Object)));
                    break;
                case "Node":
                    typed.Create(Node(TypedResourceStore.FromJson<V1Node>(item.Object)));
                    break;
                case "Pod":
                    typed.Create(Pod(TypedResourceStore.FromJson<V1Pod>(item.Object)));
                    break;
                case "Service":
                    typed.Create(Service(TypedResourceStore.FromJson<V1Service>(item.Object)));
                    break;
                default:
                    store.Create(item.Type, item.Object);
                    break;
            }
        }
    }

    private static V1Namespace Namespace(V1Namespace ns)
    {
        ns.Spec ??= new V1NamespaceSpec { Finalizers = ["kubernetes"] };
        ns.Status ??= new V1NamespaceStatus { Phase = "Active" };
        ns.Metadata.Labels ??= new Dictionary<string, string>();
        ns.Metadata.Labels["kubernetes.io/metadata.name"] = ns.Metadata.Name;
        return ns;
    }

    private V1Node Node(V1Node node)
    {
        var number = _nodes.Count + 1;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var status = node.Status ??= new V1NodeStatus();
        status.Addresses ??= Addresses(node.Metadata.Name, number);
        status.DaemonEndpoints ??= new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = AddressPlan.KubeletPort } };
        status.Conditions ??=
        [
            Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
            Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
            Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
            Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now),
        ];
        status.NodeInfo ??= new V1NodeSystemInfo
        {
            Architecture = "amd64",
            BootID = Guid.NewGuid().ToString(),
            ContainerRuntimeVersion = "sandbox://0.1.0",
            KernelVersion = "sandbox",
            KubeProxyVersion = "",
            KubeletVersion = KubernetesVersion,
            MachineID = Guid.NewGuid().ToString("N"),
            OperatingSystem = "linux",
            OsImage = "ApiProxyGateway sandbox",
            SystemUUID = Guid.NewGuid().ToString(),
        };
        status.Capacity ??= new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("8Gi"), ["pods"] = new("110") };
        status.Allocatable ??= status.Capacity;
        var address = status.Addresses.FirstOrDefault(a => a.Type == "InternalIP")?.Address ?? plan.NodeAddress(number).ToString();
        _nodes[node.Metadata.Name] = (number, address);
        return node;
    }

    /// <summary>InternalIP then Hostname, unless the node's sandbox settings ask for another order (a fault for the gateway's tests).</summary>
    private List<V1NodeAddress> Addresses(string nodeName, int number)
    {
        var order = _settings.GetValueOrDefault(nodeName)?.AddressTypes ?? SandboxNodeSettings.SupportedAddressTypes;
        return [.. order.Select(type => new V1NodeAddress { Type = type, Address = type == "Hostname" ? nodeName : plan.NodeAddress(number).ToString() })];
    }

    private V1Pod Pod(V1Pod pod)
    {
        pod.Spec.RestartPolicy ??= "Always";
        pod.Spec.DnsPolicy ??= "ClusterFirst";
        pod.Spec.SchedulerName ??= "default-scheduler";
        pod.Spec.ServiceAccountName ??= "default";
        pod.Spec.TerminationGracePeriodSeconds ??= 30;
        foreach (var container in pod.Spec.Containers)
        {
            container.ImagePullPolicy ??= "IfNotPresent";
            foreach (var port in container.Ports ?? [])
            {
                port.Protocol ??= "TCP";
            }
        }

        if (pod.Status is not null || pod.Spec.NodeName is not { } nodeName || !_nodes.TryGetValue(nodeName, out var node))
        {
            pod.Status ??= new V1PodStatus { Phase = "Pending", QosClass = "BestEffort" };
            return pod;
        }

        // A hostNetwork pod shares its node's address, as on a real node.
        var ip = pod.Spec.HostNetwork == true
            ? node.Address
            : plan.PodAddress(node.Number, _podsPerNode[nodeName] = _podsPerNode.GetValueOrDefault(nodeName) + 1).ToString();
        var now = timeProvider.GetUtcNow().UtcDateTime;
        pod.Status = new V1PodStatus
        {
            Phase = "Running",
            QosClass = "BestEffort",
            HostIP = node.Address,
            HostIPs = [new V1HostIP { Ip = node.Address }],
            PodIP = ip,
            PodIPs = [new V1PodIP { Ip = ip }],
            StartTime = now,
            Conditions = [.. PodConditions.Select(type => new V1PodCondition { Type = type, Status = "True", LastTransitionTime = now })],
            ContainerStatuses = [.. pod.Spec.Containers.Select(c => new V1ContainerStatus
            {
                Name = c.Name,
                Image = c.Image,
                ImageID = c.Image,
                ContainerID = $"sandbox://{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}_{c.Name}",
                Ready = true,
                Started = true,
                RestartCount = 0,
                State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now } },
            })],
        };
        return pod;
    }

    private V1Service Service(V1Service service)
    {
        service.Spec ??= new V1ServiceSpec();
        service.Spec.Type ??= "ClusterIP";
        service.Spec.SessionAffinity ??= "None";
        if (service.Spec.ClusterIP is null && service.Spec.Type != "ExternalName")
        {
            var ip = plan.ServiceAddress(++_services).ToString();
            service.Spec.ClusterIP = ip;
            service.Spec.ClusterIPs = [ip];
            service.Spec.IpFamilies = ["IPv4"];
            service.Spec.IpFamilyPolicy = "SingleStack";
        }

        foreach (var port in service.Spec.Ports ?? [])
        {
            port.Protocol ??= "TCP";
            port.TargetPort ??= port.Port;
        }

        service.Status ??= new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() };
        return service;
    }

    private static V1NodeCondition Condition(string type, string status, string reason, string message, DateTime now) =>
        new() { Type = type, Status = status, Reason = reason, Message = message, LastHeartbeatTime = now, LastTransitionTime = now };
}
