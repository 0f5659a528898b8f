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
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ClientCertificateAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .Build());
        return services;
    }
}
