using System.Diagnostics;
using System.Reflection;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ApiProxyGateway.Tracing;

internal static class TracingServiceCollectionExtensions
{
    /// <summary>
    /// The gateway's trace context handling, always (<see cref="GatewayTracePropagator"/>: a caller's context is never
    /// continued nor passed on), and, only when <paramref name="options"/> enable it, the OpenTelemetry tracer: the
    /// gateway's spans and ASP.NET Core's request span, sampled per request, exported over OTLP/HTTP. Off, nothing
    /// listens to any activity source. The options are the raw settings (decided once, before the host is built);
    /// the validator reports a bad one at start-up with every other problem, and tracing stays off meanwhile.
    /// </summary>
    public static IServiceCollection AddOtlpTracing(this IServiceCollection services, TracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // ASP.NET Core extracts the request's parent context with the propagator it finds here.
        services.Replace(ServiceDescriptor.Singleton<DistributedContextPropagator>(GatewayTracePropagator.Instance));
        if (!options.Enabled || !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out _) || options.SamplingRatio is not (>= 0 and <= 1))
        {
            return services;
        }

        services.AddSingleton(new TracingEnabled(options));
        services.AddOpenTelemetry().WithTracing(tracing => tracing
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(options.ServiceName, serviceVersion: Version()))
            .AddSource(GatewayActivities.SourceName)

            // ASP.NET Core's own server span (no instrumentation package needed): the root of every request's trace.
            .AddSource("Microsoft.AspNetCore")
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SamplingRatio)))
            .AddOtlpExporter(otlp =>
            {
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                otlp.Endpoint = options.TracesUri();
                otlp.TimeoutMilliseconds = (int)Math.Min(int.MaxValue, options.ExportTimeout.TotalMilliseconds);
                otlp.HttpClientFactory = () => OtlpHttpClient.Create(options);
            }));
        return services;
    }

    private static string? Version() =>
        typeof(TracingServiceCollectionExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}
