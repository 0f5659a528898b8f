namespace ApiProxyGateway.Authorization;

/// <summary>The answer to one authorization question, and whether it came from the cache.</summary>
internal sealed record AccessDecision(bool Allowed, string Reason, bool FromCache = false);
