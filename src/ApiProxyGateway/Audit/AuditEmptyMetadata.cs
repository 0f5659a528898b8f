namespace ApiProxyGateway.Audit;

/// <summary>The empty <c>metadata</c> object kube-apiserver writes in a response status.</summary>
internal sealed record AuditEmptyMetadata;
