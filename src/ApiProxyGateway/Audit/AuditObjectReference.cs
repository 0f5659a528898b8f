namespace ApiProxyGateway.Audit;

/// <summary>The <c>objectRef</c> of an audit event.</summary>
internal sealed record AuditObjectReference(string? Resource, string? Namespace, string? Name, string? Uid, string? ApiGroup, string? ApiVersion, string? Subresource);
