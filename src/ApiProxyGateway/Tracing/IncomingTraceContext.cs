using System.Diagnostics;
using ApiProxyGateway.Telemetry;
using Microsoft.AspNetCore.Http.Features;

namespace ApiProxyGateway.Tracing;

/// <summary>
/// A caller's own trace, when it sent one, is linked from the gateway's request span rather than continued: the
/// gateway's trace id and sampling are its own (kube-apiserver does the same for callers outside
/// <c>system:masters</c> and <c>system:monitoring</c>), yet an operator holding the client's trace finds the gateway's.
/// Only one well-formed W3C <c>traceparent</c> is linked (see <see cref="TraceParent"/>); its <c>tracestate</c> and any
/// baggage are ignored.
/// </summary>
internal static partial class IncomingTraceContext
{
    /// <summary>The step, when tracing is on; otherwise nothing is added to the pipeline.</summary>
    public static IApplicationBuilder UseIncomingTraceContext(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<TracingEnabled>() is not { } enabled)
        {
            return app;
        }

        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("ApiProxyGateway.Tracing");
        TracingOn(logger, enabled.Options.TracesUri().ToString(), enabled.Options.SamplingRatio, enabled.Options.ServiceName);
        return app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpActivityFeature>()?.Activity is { Recorded: true } span
                && context.Request.Headers.TryGetValue(TraceParent.HeaderName, out var values)
                && values.Count == 1
                && TraceParent.TryParse(values[0], out var callers))
            {
                span.AddLink(new ActivityLink(callers));
            }

            return next(context);
        });
    }

    [LoggerMessage(EventIds.TracingOn, LogLevel.Information, "Tracing on: {Ratio} of requests traced, spans sent to {Endpoint} as service {ServiceName}")]
    private static partial void TracingOn(ILogger logger, string endpoint, double ratio, string serviceName);
}
