using Microsoft.AspNetCore.Authentication;

namespace ApiProxyGateway.Authentication;

/// <summary>
/// Every request on the API port needs an authenticated caller: the client certificate's principal, else the
/// certificate scheme's challenge (a 401 Status). What it may do is the cluster's RBAC, asked per request by the
/// gateway's own handlers (SubjectAccessReview), so this is the only check before them.
/// </summary>
/// <remarks>
/// The framework's authorization middleware with a fallback policy of <c>RequireAuthenticatedUser</c> made the same
/// decision (any authenticated identity, else the default scheme's challenge) and was about 2.5% of a proxied request's
/// CPU in a perf profile (policy combination and evaluation, a handler context and results on every request), for a
/// check this short. No endpoint carries authorization metadata: nothing else reads a policy.
/// </remarks>
internal static class AuthenticatedCallers
{
    public static IApplicationBuilder UseAuthenticatedCallers(this IApplicationBuilder app) =>
        app.Use(static (context, next) => context.User.Identities.Any(identity => identity.IsAuthenticated) ? next(context) : context.ChallengeAsync());
}
