namespace ApiProxyGateway.Audit;

/// <summary>The <c>user</c> / <c>impersonatedUser</c> of an audit event (authentication.k8s.io/v1 UserInfo).</summary>
internal sealed record AuditUser(string Username, IReadOnlyList<string> Groups, string? Uid, IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra);
