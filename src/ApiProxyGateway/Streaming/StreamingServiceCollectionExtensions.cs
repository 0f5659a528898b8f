using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Streaming;

internal static class StreamingServiceCollectionExtensions
{
    /// <summary>The kubelet routes: watch-backed pod and node caches, verified kubelet connections, stream relays.</summary>
    public static IServiceCollection AddPodStreams(this IServiceCollection services)
    {
        services.AddSingleton<ClusterView>();
        services.AddHostedService(provider => provider.GetRequiredService<ClusterView>());
        services.AddSingleton<KubeletClientPool>();
        services.AddSingleton<KubeletTargetResolver>();
        services.AddSingleton<LogRelay>();
        services.AddSingleton<UpgradeRelay>();
        services.AddSingleton<WebSocketRelay>();
        services.AddSingleton<PortForwardTunnelBridge>();
        services.AddSingleton<RemoteCommandTranslator>();
        services.AddSingleton<StreamRelays>();
        services.AddSingleton<PodStreamHandler>();
        services.AddSingleton<StreamLimiter>();
        return services;
    }

    /// <summary><c>pods/{log,exec,attach,portforward}</c>, served from the kubelet; other methods get 405.</summary>
    public static IEndpointRouteBuilder MapPodStreams(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "log", PodSubresource.Log, ["GET"], RouteKind.Log);
        Map(endpoints, "exec", PodSubresource.Exec, ["GET", "POST"], RouteKind.Exec);
        Map(endpoints, "attach", PodSubresource.Attach, ["GET", "POST"], RouteKind.Attach);
        Map(endpoints, "portforward", PodSubresource.PortForward, ["GET", "POST"], RouteKind.PortForward);
        return endpoints;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string segment, PodSubresource subresource, string[] methods, RouteKind kind)
    {
        // One endpoint for every method, so that no other route (the pass-through) can claim this path.
        endpoints.Map($"/api/v1/namespaces/{{namespace}}/pods/{{name}}/{segment}", context =>
            methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase)
                ? context.RequestServices.GetRequiredService<PodStreamHandler>().HandleAsync(context, subresource)
                : KubernetesStatus.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", $"the server does not allow the method {context.Request.Method} on pods/{segment}"))
            .WithDisplayName($"pods/{segment}")
            .WithMetadata(kind);
    }
}
