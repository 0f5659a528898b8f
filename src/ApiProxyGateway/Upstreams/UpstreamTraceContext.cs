using System.Diagnostics;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// The trace context of every request to an upstream (API server, kubelets, workloads), the first step of their
/// pools. Whatever a caller sent (<c>traceparent</c>, <c>tracestate</c>, <c>baggage</c>, and the older
/// <c>Request-Id</c> and <c>Correlation-Context</c>), which YARP would otherwise copy to the API server and workloads
/// unchanged, is removed, tracing on or off: a caller does not get to choose the trace id or sampling decision an
/// upstream sees, nor to make the gateway carry its baggage. With tracing on, the request becomes a client span of
/// the gateway and carries that span's own <c>traceparent</c>; its connection, if it opens one, is that span's child.
/// </summary>
internal sealed class UpstreamTraceContext(string upstream) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<Activity> SpanKey = new("ApiProxyGateway.UpstreamSpan");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var name in TraceParent.ContextHeaders)
        {
            request.Headers.Remove(name);
        }

        // Tracing off: nothing listens, and the request goes on as it is (no span, no state machine).
        return GatewayActivities.Source.HasListeners() ? SendTracedAsync(request, cancellationToken) : base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("upstream requests are sent asynchronously");

    private async Task<HttpResponseMessage> SendTracedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var span = GatewayActivities.Source.StartActivity($"{request.Method.Method} {upstream}", ActivityKind.Client);
        if (span is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        request.Headers.TryAddWithoutValidation(TraceParent.HeaderName, TraceParent.Format(span));
        request.Options.Set(SpanKey, span);
        span.SetTag("http.request.method", request.Method.Method);
        span.SetTag("apiproxygateway.upstream", upstream);
        span.SetTag("server.address", request.RequestUri?.Host);
        span.SetTag("server.port", request.RequestUri?.Port);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            span.SetTag("http.response.status_code", (int)response.StatusCode);
            return response;
        }
        catch (Exception e) when (UpstreamErrors.Find<UpstreamConnectException>(e) is { } failure)
        {
            GatewayActivities.Failed(span, failure.Label);
            throw;
        }
        catch (Exception e)
        {
            GatewayActivities.Failed(span, e.GetType().Name);
            throw;
        }
    }

    /// <summary>
    /// The client span of the request that made the pool open a connection, so the dial and handshake appear under it
    /// (the pool opens connections outside the request's own execution context). Null with tracing off.
    /// </summary>
    public static Activity? SpanOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(SpanKey, out var span) ? span : null;
}
