using ApiProxyGateway.Tracing;

namespace ApiProxyGateway.Hosting;

internal static class TracingRegistration
{
    /// <summary>
    /// Tracing is on or off for the life of the process, decided from the raw <c>Tracing</c> settings before the host
    /// is built (with it off, no activity listener is ever registered). Settings that do not bind leave it off; the
    /// options binding and validator report them at start-up with every other problem.
    /// </summary>
    public static IServiceCollection AddGatewayTracing(this IServiceCollection services, IConfiguration configuration)
    {
        TracingOptions options;
        try
        {
            options = configuration.GetSection(TracingOptions.SectionName).Get<TracingOptions>() ?? new TracingOptions();
        }
        catch (InvalidOperationException)
        {
            options = new TracingOptions();
        }

        return services.AddOtlpTracing(options);
    }
}
