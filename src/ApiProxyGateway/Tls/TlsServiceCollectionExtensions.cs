namespace ApiProxyGateway.Tls;

internal static class TlsServiceCollectionExtensions
{
    /// <summary>The owners of the gateway's TLS material (the kubelet plane's is added with the kubelets), and the inventory they report to.</summary>
    public static IServiceCollection AddTlsMaterial(this IServiceCollection services)
    {
        services.AddSingleton<CertificateInventory>();
        services.AddSingleton<ReloadRegistry>();
        services.AddSingleton<CertificateReloader>();
        services.AddHostedService(provider => provider.GetRequiredService<CertificateReloader>());
        services.AddSingleton<ServingTlsProvider>();
        return services;
    }
}
