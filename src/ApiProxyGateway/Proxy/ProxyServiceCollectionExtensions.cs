using ApiProxyGateway.Requests;

namespace ApiProxyGateway.Proxy;

internal static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddProxySubresources(this IServiceCollection services)
    {
        services.AddSingleton<EgressPolicy>();
        services.AddSingleton<WorkloadTrust>();
        services.AddSingleton<WorkloadClientPool>();
        services.AddSingleton<ProxyTargetResolver>();
        services.AddSingleton<ProxyRequestLimiter>();
        services.AddSingleton<ProxyHandler>();
        return services;
    }

    /// <summary><c>pods|services/{name}/proxy[/path]</c> in a namespace and <c>nodes/{name}/proxy[/path]</c>, the methods kube-apiserver's proxy takes.</summary>
    public static IApplicationBuilder MapProxySubresources(this IApplicationBuilder app)
    {
        Map(app, RouteKind.PodProxy, ProxyKind.Pods);
        Map(app, RouteKind.ServiceProxy, ProxyKind.Services);
        Map(app, RouteKind.NodeProxy, ProxyKind.Nodes);
        return app;
    }

    private static void Map(IApplicationBuilder app, RouteKind route, ProxyKind kind) =>
        app.MapRoute(route, context => context.RequestServices.GetRequiredService<ProxyHandler>().HandleAsync(context, kind));
}
