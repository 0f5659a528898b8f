namespace ApiProxyGateway.Kubernetes;

/// <summary>The empty <c>metadata</c> object of a Status.</summary>
internal sealed record StatusMetadata;
