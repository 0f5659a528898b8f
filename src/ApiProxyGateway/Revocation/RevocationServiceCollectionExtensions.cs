namespace ApiProxyGateway.Revocation;

internal static class RevocationServiceCollectionExtensions
{
    /// <summary>Client-certificate CRLs and denylist (<c>--client-crl-file</c>, <c>--client-certificate-denylist-file</c>), reloaded with the certificates.</summary>
    public static IServiceCollection AddCertificateRevocation(this IServiceCollection services)
    {
        services.AddSingleton<RevocationChecker>();
        return services;
    }
}
