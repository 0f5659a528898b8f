using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Sessions;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Requests;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// Forwards every request that no gateway-served route claims to the API server, as the authenticated caller
/// (or the identity the caller may impersonate), streaming both ways without buffering.
/// </summary>
internal sealed class ApiServerPassThrough(
    IHttpForwarder forwarder,
    ApiServerUpstream upstream,
    EffectiveUserResolver identity,
    StreamLimiter limiter,
    StreamDrain drain,
    GatewayMetrics metrics,
    LiveSessions sessions,
    IOptions<ApiServerOptions> options,
    ILogger<ApiServerPassThrough> logger)
{
    private readonly ForwarderRequestConfig _ordinary = RequestConfig(options.Value.ActivityTimeout, http2: false);

    // Watches and followed logs may be silent for a long time; their limit is ours, not YARP's 100 s default.
    private readonly ForwarderRequestConfig _longRunning = RequestConfig(options.Value.IdleTimeout, http2: false);

    private readonly ForwarderRequestConfig _ordinaryHttp2 = RequestConfig(options.Value.ActivityTimeout, http2: true);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Classified();
        if (ForwardedUpgrade.MethodProblem(context.Request) is { } problem)
        {
            await KubernetesStatus.BadRequestAsync(context, problem);
            return;
        }

        var effective = await identity.ResolveAsync(context);
        if (effective is null)
        {
            return;
        }

        if (!LongRunningRequest.Matches(context.Request, request.Info))
        {
            var http2 = UsesHttp2(effective);
            await ForwardAsync(context, request, Transformer(context, effective, request, longRunning: false, http2), http2 ? _ordinaryHttp2 : _ordinary, context.RequestAborted);
            return;
        }

        // Watches count as streams: capped, measured, and ended cleanly when the drain period is over.
        using var lease = await limiter.AcquireAsync(context, effective);
        if (lease is null)
        {
            return;
        }

        // A watch ends between two events when the drain is over (a JSON one with a last event saying why, see
        // below); anything else, or a watch whose framing the gateway does not know, is cut.
        var transformer = Transformer(context, effective, request, longRunning: true, http2: false);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        await using var cut = drain.StreamsMustClose.Register(() =>
        {
            if (transformer.Watch is null)
            {
                closing.Cancel();
            }
        });

        // The API server authorized the watch once, when it opened; held to that access while it is open
        // (SessionGuard), it is cut once the access is taken away, and the client's next watch gets the API server's 403.
        // (The drain ends registered streams through their sessions too: a watch it ends between two events, above.)
        using var live = request.Info is { IsResourceRequest: true, Verb: "watch" } info
            ? sessions.Open(context, "watch", effective, [new ResourceAttributes("watch", info.ApiGroup, info.Resource, info.Subresource, info.Namespace, info.Name)])
            : null;
        await using var guarded = live?.Ending.Register(() =>
        {
            if (live.End?.EndedBy != SessionEnd.Shutdown || transformer.Watch is null)
            {
                closing.Cancel();
                context.Abort();
            }
        });
        metrics.StreamStarted("watch", "http");
        var outcome = "completed";
        try
        {
            await ForwardAsync(context, request, transformer, _longRunning, closing.Token, live);
            if (transformer.Watch is { EndedByDrain: true } && IsJson(context.Response.ContentType) && !context.RequestAborted.IsCancellationRequested)
            {
                // As the API server ends a watch it cannot continue: an ERROR event with a Status. client-go's reflectors
                // watch again after the Retry-After without listing again (429); kubectl get -w prints the message.
                var status = KubernetesStatus.Serialize(StreamDrain.Status);
                await context.Response.WriteAsync($"{{\"type\":\"ERROR\",\"object\":{status}}}\n", context.RequestAborted);
            }
        }
        finally
        {
            if (live?.End is { } end)
            {
                outcome = end.EndedBy;
                context.Features.Get<AuditEntry>()?.Annotate(AuditEntry.EndedByAnnotation, end.EndedBy);
            }
            else if (drain.StreamsMustClose.IsCancellationRequested)
            {
                outcome = "shutdown";
            }

            metrics.StreamFinished("watch", "http", outcome, 0, 0);
        }
    }

    private ApiServerTransformer Transformer(HttpContext context, KubernetesUser effective, ClassifiedRequest request, bool longRunning, bool http2) =>
        new(effective, upstream.BearerToken(), request.EscapedPath, http2, longRunning && LongRunningRequest.StreamsEvents(context.Request, request.Info),
            longRunning && request.Info.Verb == "watch" ? drain.StreamsMustClose : CancellationToken.None);

    /// <summary>
    /// HTTP/2 to the API server, as kubectl speaks it, for an ordinary request (upgrades are long-running) whose
    /// impersonation headers have one value each (HttpClient's HTTP/2 joins a header's values). Long-running requests
    /// stay on HTTP/1.1, a connection each as before: on a shared HTTP/2 connection, one connection error (a GOAWAY,
    /// Go's limit on streams reset early) would end up to the server's stream limit of other callers' watches at once.
    /// </summary>
    private bool UsesHttp2(KubernetesUser effective) => upstream.Http2 && ImpersonationHeaders.OneValueEach(effective);

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType == "application/json" || contentType.StartsWith("application/json;", StringComparison.Ordinal));

    private async Task ForwardAsync(HttpContext context, ClassifiedRequest request, ApiServerTransformer transformer, ForwarderRequestConfig config, CancellationToken cancellationToken, LiveStream? live = null)
    {
        var error = config.Version == System.Net.HttpVersion.Version20
            ? await forwarder.SendAsync(context, upstream.Http2DestinationPrefix, upstream.Http2Invoker, config, transformer, cancellationToken)
            : await forwarder.SendAsync(context, upstream.DestinationPrefix, upstream.Invoker, config, transformer, cancellationToken);
        if (error != ForwarderError.None && live?.End is null)
        {
            await ReportAsync(context, request, error);
        }
    }

    private async Task ReportAsync(HttpContext context, ClassifiedRequest request, ForwarderError error)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        var connect = UpstreamErrors.Find<UpstreamConnectException>(exception);
        var refused = UpstreamErrors.Find<UpstreamRequestRefusedException>(exception);
        var reason = connect?.Reason ?? exception?.Message ?? error.ToString();
        ForwardingLog.ForwardFailed(logger, context.Request.Method, request.EscapedPath, error.ToString(), reason);
        if (context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
        {
            return;
        }

        switch (error)
        {
            case ForwarderError.Request when refused is not null:
                await KubernetesStatus.BadRequestAsync(context, refused.Message);
                break;
            case ForwarderError.Request when connect?.Failure is UpstreamFailure.TlsVerification or UpstreamFailure.TlsHandshake:
                await KubernetesStatus.BadGatewayAsync(context, $"the API server {connect.Target} could not be verified: {connect.Reason}");
                break;
            case ForwarderError.Request or ForwarderError.RequestTimedOut:
                await KubernetesStatus.ServiceUnavailableAsync(context, $"the API server is not reachable: {reason}");
                break;
            default:
                await KubernetesStatus.BadGatewayAsync(context, "the API server's response could not be relayed");
                break;
        }
    }

    private static ForwarderRequestConfig RequestConfig(TimeSpan activityTimeout, bool http2) => new()
    {
        ActivityTimeout = activityTimeout,

        // HTTP/1.1 exactly on the pool whose connections rewrite impersonation placeholders into separate header lines;
        // HTTP/2 or, should the API server not choose h2, HTTP/1.1 on the other (its requests need no placeholders).
        Version = http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
        VersionPolicy = http2 ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact,
        AllowResponseBuffering = false,
    };
}
