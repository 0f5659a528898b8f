using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Requests;

namespace ApiProxyGateway.Streaming;

internal static class StreamingServiceCollectionExtensions
{
    /// <summary>
    /// The kubelet routes: watch-backed pod and node caches and the stream relays (the kubelets themselves:
    /// <c>AddKubelets</c>), and the limit and drain signal that every stream, passed-through watches included, shares.
    /// </summary>
    public static IServiceCollection AddPodStreams(this IServiceCollection services)
    {
        services.AddSingleton<ClusterView>();
        services.AddHostedService(provider => provider.GetRequiredService<ClusterView>());
        services.AddSingleton<LogRelay>();
        services.AddSingleton<UpgradeRelay>();
        services.AddSingleton<WebSocketRelay>();
        services.AddSingleton<PortForwardTunnelBridge>();
        services.AddSingleton<RemoteCommandTranslator>();
        services.AddSingleton<StreamRelays>();
        services.AddSingleton<PodStreamHandler>();
        services.AddSingleton<StreamLimiter>();
        services.AddSingleton<StreamDrain>();
        return services;
    }

    /// <summary><c>pods/{log,exec,attach,portforward}</c>, served from the kubelet; other methods get 405.</summary>
    public static IApplicationBuilder MapPodStreams(this IApplicationBuilder app)
    {
        Map(app, RouteKind.Log, PodSubresource.Log, ["GET"]);
        Map(app, RouteKind.Exec, PodSubresource.Exec, ["GET", "POST"]);
        Map(app, RouteKind.Attach, PodSubresource.Attach, ["GET", "POST"]);
        Map(app, RouteKind.PortForward, PodSubresource.PortForward, ["GET", "POST"]);
        return app;
    }

    private static void Map(IApplicationBuilder app, RouteKind route, PodSubresource subresource, string[] methods) =>
        app.MapRoute(route, context =>
            methods.Contains(context.Request.Method, StringComparer.Ordinal)
                ? context.RequestServices.GetRequiredService<PodStreamHandler>().HandleAsync(context, subresource)
                : KubernetesStatus.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", $"the server does not allow the method {context.Request.Method} on pods/{route.Name}"));
}
