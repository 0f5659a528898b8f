namespace ApiProxyGateway.Egress;

internal static class EgressServiceCollectionExtensions
{
    /// <summary>How upstreams are reached: directly, or through Konnectivity (<c>--egress-selector-config-file</c>).</summary>
    public static IServiceCollection AddEgress(this IServiceCollection services)
    {
        services.AddSingleton<EgressSelector>();
        services.AddSingleton<EgressProbe>();
        return services;
    }
}
