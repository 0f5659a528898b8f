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

    public static ServiceInfo ToServiceInfo(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        string? bundle = null;
        service.Metadata.Annotations?.TryGetValue(ServiceInfo.TrustBundleAnnotation, out bundle);
        return new ServiceInfo(
            service.Metadata.NamespaceProperty ?? "",
            service.Metadata.Name ?? "",
            service.Spec?.Ports?.Select(p => new ServicePortInfo(p.Name, p.Port, p.Protocol ?? "TCP")).ToArray() ?? [],
            string.IsNullOrEmpty(bundle) ? null : bundle);
    }

    public static EndpointSliceInfo ToEndpointSliceInfo(V1EndpointSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        string? service = null;
        slice.Metadata.Labels?.TryGetValue("kubernetes.io/service-name", out service);
        return new EndpointSliceInfo(
            slice.Metadata.NamespaceProperty ?? "",
            slice.Metadata.Name ?? "",
            service,
            slice.Endpoints?.Select(e => new EndpointInfo(
                e.Addresses?.ToArray() ?? [],
                e.Conditions?.Ready ?? true,
                e.TargetRef?.Kind,
                e.TargetRef?.NamespaceProperty,
                e.TargetRef?.Name)).ToArray() ?? [],
            slice.Ports?.Select(p => new ServicePortInfo(p.Name, p.Port ?? 0, p.Protocol ?? "TCP")).ToArray() ?? []);
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
