namespace ApiProxyGateway.Kubernetes;

/// <summary>One endpoint: its addresses, readiness, and the object it targets.</summary>
internal sealed record EndpointInfo(IReadOnlyList<string> Addresses, bool Ready, string? TargetKind, string? TargetNamespace, string? TargetName);
