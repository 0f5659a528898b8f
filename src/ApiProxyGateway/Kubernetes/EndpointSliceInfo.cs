namespace ApiProxyGateway.Kubernetes;

/// <summary>An EndpointSlice's endpoints and ports, with the Service it belongs to.</summary>
internal sealed record EndpointSliceInfo(string Namespace, string Name, string? ServiceName, IReadOnlyList<EndpointInfo> Endpoints, IReadOnlyList<ServicePortInfo> Ports);
