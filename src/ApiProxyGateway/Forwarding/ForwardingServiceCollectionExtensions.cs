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

    /// <summary>Everything the gateway does not serve itself goes to the API server (the last step of the pipeline).</summary>
    public static void RunApiServerPassThrough(this IApplicationBuilder app) =>

        // Resolved per request: the pass-through and its upstream are built after start-up validation.
        app.Run(context => context.RequestServices.GetRequiredService<ApiServerPassThrough>().InvokeAsync(context));
}
