using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Proxy;

internal static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddProxySubresources(this IServiceCollection services)
    {
        services.AddSingleton<EgressPolicy>();
        services.AddSingleton<WorkloadTrust>();
        services.AddSingleton<WorkloadClientPool>();
        services.AddSingleton<ProxyTargetResolver>();
        services.AddSingleton<ProxyHandler>();
        return services;
    }

    /// <summary><c>pods|services/{name}/proxy[/path]</c> in a namespace and <c>nodes/{name}/proxy[/path]</c>, every method.</summary>
    public static IEndpointRouteBuilder MapProxySubresources(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/api/v1/namespaces/{namespace}/pods/{name}/proxy", ProxyKind.Pods, RouteKind.PodProxy);
        Map(endpoints, "/api/v1/namespaces/{namespace}/services/{name}/proxy", ProxyKind.Services, RouteKind.ServiceProxy);
        Map(endpoints, "/api/v1/nodes/{name}/proxy", ProxyKind.Nodes, RouteKind.NodeProxy);
        return endpoints;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string pattern, ProxyKind kind, RouteKind routeKind)
    {
        RequestDelegate handle = context => context.RequestServices.GetRequiredService<ProxyHandler>().HandleAsync(context, kind);
        endpoints.Map(pattern, handle).WithDisplayName(routeKind.Name).WithMetadata(routeKind);
        endpoints.Map(pattern + "/{**path}", handle).WithDisplayName(routeKind.Name).WithMetadata(routeKind);
    }
}
