namespace ApiProxyGateway.Authentication;

internal static class AuthenticationServiceCollectionExtensions
{
    /// <summary>Client-certificate authentication; <see cref="AuthenticatedCallers"/> requires its caller on every request.</summary>
    public static IServiceCollection AddClientCertificateAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ClientCertificateValidationCache>();
        services.AddSingleton<ClientCertificateValidator>();
        services.AddAuthentication(ClientCertificateAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<ClientCertificateAuthenticationOptions, ClientCertificateAuthenticationHandler>(
                ClientCertificateAuthenticationDefaults.AuthenticationScheme, configureOptions: null);
        return services;
    }
}
