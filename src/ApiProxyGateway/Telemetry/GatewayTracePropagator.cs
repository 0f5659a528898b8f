using System.Diagnostics;

namespace ApiProxyGateway.Telemetry;

/// <summary>
/// The trace context propagation of the whole gateway, in place of .NET's default (which continues whatever trace a
/// caller names and passes its <c>tracestate</c> and baggage on). A caller is not trusted to choose the gateway's
/// trace id or sampling decision, as kube-apiserver does not trust callers outside <c>system:masters</c> and
/// <c>system:monitoring</c>: nothing is extracted from a request (ASP.NET Core starts every request's activity as a
/// new root; a well-formed caller context becomes a link when tracing is on), and only the gateway's own spans are
/// injected, as a bare <c>traceparent</c>. With tracing off there are no such spans, so nothing is sent.
/// </summary>
internal sealed class GatewayTracePropagator : DistributedContextPropagator
{
    public static GatewayTracePropagator Instance { get; } = new();

    public override IReadOnlyCollection<string> Fields { get; } = [TraceParent.HeaderName];

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        // HttpClient injects the activity it made for the request itself, a child of the current one that nothing
        // exports when its source has no listener: the gateway's span it was made under is named instead.
        var own = activity is null ? null : IsOwn(activity) ? activity : activity.Parent is { } parent && IsOwn(parent) ? parent : null;
        if (own is not null && setter is not null)
        {
            setter(carrier, TraceParent.HeaderName, TraceParent.Format(own));
        }
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;

    /// <summary>A span of the gateway's source, which exists only while tracing is on.</summary>
    public static bool IsOwn(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return ReferenceEquals(activity.Source, GatewayActivities.Source);
    }
}
