using k8s.Models;

namespace ApiProxyGateway.Kubernetes;

/// <summary>Projects API objects onto the small records the rest of the gateway works with.</summary>
internal static class ResourceProjections
{
    public const string DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container";

    public static PodInfo ToPodInfo(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var spec = pod.Spec;
        var ips = pod.Status?.PodIPs?.Select(ip => ip.Ip).Where(ip => !string.IsNullOrEmpty(ip)).ToArray();
        if (ips is not { Length: > 0 } && !string.IsNullOrEmpty(pod.Status?.PodIP))
        {
            ips = [pod.Status.PodIP];
        }

        string? defaultContainer = null;
        pod.Metadata.Annotations?.TryGetValue(DefaultContainerAnnotation, out defaultContainer);
        return new PodInfo(
            pod.Metadata.NamespaceProperty ?? "",
            pod.Metadata.Name ?? "",
            pod.Metadata.Uid ?? "",
            string.IsNullOrEmpty(spec?.NodeName) ? null : spec.NodeName,
            spec?.Containers?.Select(c => c.Name).ToArray() ?? [],
            spec?.InitContainers?.Select(c => c.Name).ToArray() ?? [],
            spec?.EphemeralContainers?.Select(c => c.Name).ToArray() ?? [],
            string.IsNullOrEmpty(defaultContainer) ? null : defaultContainer,
            ips ?? [],
            spec?.Containers?.SelectMany(c => c.Ports ?? []).Select(p => new ContainerPortInfo(p.Name, p.ContainerPort, p.Protocol ?? "TCP")).ToArray() ?? []);
    }

    public static NodeInfo ToNodeInfo(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var status = node.Status;
        return new NodeInfo(
            node.Metadata.Name ?? "",
            status?.Addresses?.Select(a => new NodeAddressInfo(a.Type, a.Address)).ToArray() ?? [],
            status?.DaemonEndpoints?.KubeletEndpoint?.Port ?? 0,
            status?.DeclaredFeatures?.ToArray() ?? []);
    }
}
