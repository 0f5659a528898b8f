namespace ApiProxyGateway.Kubernetes;

internal static class KubernetesServiceCollectionExtensions
{
    /// <summary>The API server endpoint, the gateway's credentials for it, and its KubernetesClient.</summary>
    public static IServiceCollection AddKubernetesApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiServerEndpointProvider>();
        services.AddSingleton<KubernetesApi>();
        return services;
    }
}
