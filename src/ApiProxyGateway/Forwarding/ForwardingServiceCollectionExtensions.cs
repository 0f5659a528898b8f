using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Forwarding;

internal static class ForwardingServiceCollectionExtensions
{
    public static IServiceCollection AddApiServerPassThrough(this IServiceCollection services)
    {
        services.AddHttpForwarder();
        services.AddSingleton<ApiServerUpstream>();
        services.AddSingleton<ApiServerPassThrough>();
        return services;
    }

    /// <summary>Everything no more specific route claims goes to the API server.</summary>
    public static IEndpointRouteBuilder MapApiServerPassThrough(this IEndpointRouteBuilder endpoints)
    {
        // Resolved per request: the pass-through and its upstream are built after start-up validation.
        endpoints.Map("/{**path}", context => context.RequestServices.GetRequiredService<ApiServerPassThrough>().InvokeAsync(context))
            .WithDisplayName("api-server pass-through")
            .WithMetadata(RouteKind.PassThrough);
        return endpoints;
    }
}
