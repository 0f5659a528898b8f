namespace ApiProxyGateway.Upstreams;

internal static class UpstreamsServiceCollectionExtensions
{
    /// <summary>Dialling upstreams with their TLS checks, and the HTTP message invokers built on it.</summary>
    public static IServiceCollection AddUpstreams(this IServiceCollection services)
    {
        services.AddSingleton<UpstreamConnector>();
        services.AddSingleton<UpstreamInvokers>();
        return services;
    }
}
