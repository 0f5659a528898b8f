using ApiProxyGateway.Authorization;

namespace ApiProxyGateway.Kubernetes;

internal static class KubernetesServiceCollectionExtensions
{
    /// <summary>The API server endpoint, the gateway's credentials for it, and its KubernetesClient.</summary>
    public static IServiceCollection AddKubernetesApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiServerEndpointProvider>();
        services.AddSingleton<Upstreams.UpstreamConnector>();
        services.AddSingleton<Upstreams.UpstreamInvokers>();
        services.AddSingleton<KubernetesApi>();
        services.AddSingleton<ISubjectAccessReviewClient>(provider => provider.GetRequiredService<KubernetesApi>());
        return services;
    }
}
