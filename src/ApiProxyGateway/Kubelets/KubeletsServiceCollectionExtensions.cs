namespace ApiProxyGateway.Kubelets;

internal static class KubeletsServiceCollectionExtensions
{
    /// <summary>Reaching kubelets: their TLS material, the address of each node's kubelet, verified connections.</summary>
    public static IServiceCollection AddKubelets(this IServiceCollection services)
    {
        services.AddSingleton<KubeletTlsProvider>();
        services.AddSingleton<KubeletClientPool>();
        services.AddSingleton<KubeletTargetResolver>();
        return services;
    }
}
