using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>The identity a request proceeds as, or why impersonation was refused.</summary>
internal sealed record ImpersonationResult(UserInfo? User, AuthorizationAttributes? Denied, string DeniedReason, string? Error)
{
    public static ImpersonationResult As(UserInfo user) => new(user, null, "", null);
}
