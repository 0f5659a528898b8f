using ApiProxyGateway.Authentication;

namespace ApiProxyGateway.Authorization;

/// <summary>Either the identity to act as, or the impersonation that was denied and why.</summary>
internal sealed record ImpersonationOutcome(KubernetesUser? Effective, ResourceAttributes? Denied, string Reason);
