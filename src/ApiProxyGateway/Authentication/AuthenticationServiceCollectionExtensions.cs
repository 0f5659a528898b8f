using Microsoft.AspNetCore.Authorization;

namespace ApiProxyGateway.Authentication;

internal static class AuthenticationServiceCollectionExtensions
{
    /// <summary>Client-certificate authentication; every endpoint requires an authenticated caller unless it opts out.</summary>
    public static IServiceCollection AddClientCertificateAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ClientCertificateValidationCache>();
        services.AddSingleton<ClientCertificateValidator>();
        services.AddAuthentication(ClientCertificateAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<ClientCertificateAuthenticationOptions, ClientCertificateAuthenticationHandler>(
                ClientCertificateAuthenticationDefaults.AuthenticationScheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            // No scheme named in the policy: the authentication middleware has already authenticated the default (and
            // only) scheme into HttpContext.User. A policy naming it made the authorization middleware authenticate
            // again on every request (the handler's cached result, re-checked and re-assigned); the answer and the
            // challenge (the default scheme's 401 Status) are the same. It relies on nothing else setting
            // HttpContext.User: the principal is the client certificate's, or none.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .Build());
        return services;
    }
}
