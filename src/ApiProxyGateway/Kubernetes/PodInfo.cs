namespace ApiProxyGateway.Kubernetes;

/// <summary>What the gateway needs to know about a pod to reach it: identity, placement, containers and addresses.</summary>
internal sealed record PodInfo(
    string Namespace,
    string Name,
    string Uid,
    string? NodeName,
    IReadOnlyList<string> Containers,
    IReadOnlyList<string> InitContainers,
    IReadOnlyList<string> EphemeralContainers,
    string? DefaultContainer,
    IReadOnlyList<string> PodIps,
    IReadOnlyList<ContainerPortInfo> Ports);
