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
        var passThrough = endpoints.ServiceProvider.GetRequiredService<ApiServerPassThrough>();
        endpoints.Map("/{**path}", passThrough.InvokeAsync).WithDisplayName("api-server pass-through");
        return endpoints;
    }
}
