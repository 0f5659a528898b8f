namespace ApiProxyGateway.Kubernetes;

/// <summary>One entry of a node's <c>status.addresses</c>.</summary>
internal sealed record NodeAddressInfo(string Type, string Address);
