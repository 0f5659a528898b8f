namespace ApiProxyGateway.Sandbox.Rbac;

/// <summary>The authorizer's answer; <see cref="Reason"/> is kube-apiserver's text (empty when it gives none).</summary>
internal sealed record AuthorizationDecision(bool Allowed, string Reason);
