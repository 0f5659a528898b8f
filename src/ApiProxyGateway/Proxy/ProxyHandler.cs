using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Forwarding;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Requests;
using ApiProxyGateway.Sessions;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Telemetry;
using ApiProxyGateway.Upstreams;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Serves <c>pods|services|nodes/{[scheme:]name[:port]}/proxy[/path]</c> itself: authorized for the caller,
/// sent to a target the egress policy allows, over https verified against the workload's trust bundle (or the
/// kubelet connection for a node's kubelet), with the gateway's own client certificate.
/// </summary>
internal sealed partial class ProxyHandler(
    EffectiveUserResolver identity,
    RequestAuthorizer authorizer,
    ProxyTargetResolver targets,
    WorkloadClientPool workloads,
    KubeletClientPool kubelets,
    EgressSelector egressSelector,
    IHttpForwarder forwarder,
    StreamLimiter limiter,
    ProxyRequestLimiter requests,
    LiveSessions sessions,
    GatewayMetrics metrics,
    IOptions<ProxyOptions> options,
    ILogger<ProxyHandler> logger)
{
    private static readonly string[] ProxyMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public async Task HandleAsync(HttpContext context, ProxyKind kind)
    {
        // Step by step: take the classified target and path; refuse impossible requests; authorize the caller on
        // <kind>/proxy (and, for a kubelet path, on its fine-grained node subresource); redirect an empty path to "/"
        // as kube-apiserver does; resolve the target under the egress policy; forward without following redirects.
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Classified();
        var (ns, segment, resource) = (request.Info.Namespace, request.Info.Name, request.Info.Resource);
        if (!ProxyMethods.Contains(context.Request.Method, StringComparer.Ordinal))
        {
            await KubernetesStatus.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", $"the server does not allow the method {context.Request.Method} on {resource}/proxy");
            return;
        }

        if (ProxyTargetName.Parse(segment) is not { } name)
        {
            await KubernetesStatus.BadRequestAsync(context, $"invalid {resource} proxy target \"{segment}\": expected [scheme:]name[:port] with scheme http or https");
            return;
        }

        if (context.Request.Headers.Upgrade.ToString() is { Length: > 0 } upgrade && !context.WebSockets.IsWebSocketRequest && !string.Equals(upgrade, "SPDY/3.1", StringComparison.OrdinalIgnoreCase))
        {
            await KubernetesStatus.BadRequestAsync(context, $"upgrade to \"{upgrade}\" is not allowed: only SPDY/3.1 and websocket may be proxied");
            return;
        }

        if (ForwardedUpgrade.MethodProblem(context.Request) is { } methodProblem)
        {
            await KubernetesStatus.BadRequestAsync(context, methodProblem);
            return;
        }

        var user = await identity.ResolveAsync(context);
        var verb = request.Info.Verb;
        if (user is null || !await AuthorizeAsync(context, user, new ResourceAttributes(verb, "", resource, "proxy", ns, segment)))
        {
            return;
        }

        if (request.ProxyPath.Length == 0 && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = request.ProxyPrefix + "/" + context.Request.QueryString;
            return;
        }

        var resolution = await targets.ResolveAsync(kind, ns, name, context.RequestAborted);
        if (resolution.Refusal is { } refusal)
        {
            await KubernetesStatus.WriteAsync(context, KubernetesStatus.Failure(refusal.Code, refusal.Reason, refusal.Message));
            return;
        }

        var target = resolution.Target!; // a resolution without a refusal has a target
        if (target.Kubelet is not null && !await AuthorizeKubeletPathAsync(context, user, verb, name.Name, request.ProxyPath))
        {
            return;
        }

        if (!ForwardedUpgrade.IsUpgrade(context))
        {
            using var inFlight = await requests.AcquireAsync(context, user);
            if (inFlight is not null)
            {
                // A body is passed on at the pace its client sends it (an upload from a slow link, a long-poll POST)
                // and at any size, streamed, never held whole: kube-apiserver sets no minimum body rate on proxy
                // requests, which are long-running, and no size limit (its --max-request-body-bytes bounds the
                // objects it decodes), so Kestrel's 240 B/s after 5 s and Limits:MaxRequestBodySize are lifted. A body
                // that stops altogether still ends at Proxy:IdleTimeout, and it holds one of its caller's
                // Limits:MaxProxyRequestsPerUser meanwhile.
                context.Features.Get<IHttpMinRequestBodyDataRateFeature>()?.MinDataRate = null;
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                {
                    size.MaxRequestBodySize = null;
                }

                await ForwardAsync(context, target, request);
            }

            return;
        }

        // An upgraded proxy connection (a WebSocket, SPDY) is a stream: it counts against the stream limits and in
        // the stream metrics like a pod stream does.
        using var lease = await limiter.AcquireAsync(context, user);
        if (lease is null)
        {
            return;
        }

        // Held to its access while it is open, as pod streams are: the session guard ends it (the connection is cut:
        // a proxied protocol has no place for the gateway's reason) when the certificate or the permission goes.
        using var live = sessions.Open(context, "proxy", user, [new ResourceAttributes(verb, "", resource, "proxy", ns, segment)]);
        await using var guarded = live?.Ending.Register(context.Abort);
        var protocol = context.WebSockets.IsWebSocketRequest ? "websocket" : "spdy";
        metrics.StreamStarted("proxy", protocol);
        var outcome = "error";
        try
        {
            outcome = await ForwardAsync(context, target, request) switch
            {
                ForwarderError.None => "completed",
                ForwarderError.RequestCanceled or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient => "client",
                ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination => "upstream",
                _ => "error",
            };
        }
        finally
        {
            if (live?.End is { } end)
            {
                outcome = end.EndedBy;
                context.Features.Get<AuditEntry>()?.Annotate(AuditEntry.EndedByAnnotation, end.EndedBy);
            }

            metrics.StreamFinished("proxy", protocol, outcome, 0, 0);
        }
    }

    /// <summary>
    /// A kubelet path also needs what the kubelet itself would check, and the endpoints that act on pods or nodes
    /// (streaming, checkpoint, the node log query) are refused unless explicitly allowed.
    /// </summary>
    private async Task<bool> AuthorizeKubeletPathAsync(HttpContext context, KubernetesUser user, string verb, string node, string path)
    {
        var settings = options.Value;
        var refusal = KubeletPathAuthorization.IsStreamingEndpoint(path) && !settings.AllowNodeStreamingEndpoints
            ? $"the kubelet endpoint {path} is not served through nodes/proxy: it runs commands in pods, which nodes/proxy permissions must not grant; use pods/exec, pods/attach, pods/portforward or pods/log"
            : KubeletPathAuthorization.IsCheckpoint(path) && !settings.AllowNodeCheckpoint
                ? "the kubelet's checkpoint endpoint is not served through nodes/proxy: a checkpoint copies a container's memory, secrets included, onto the node (CVE-2025-0426); an operator can allow it with Proxy:AllowNodeCheckpoint"
                : KubeletPathAuthorization.IsNodeLogQuery(path, context.Request.Query) && !settings.AllowNodeLogQuery
                    ? "the kubelet's node log query (/logs/?query=) is not served through nodes/proxy (CVE-2024-9042); an operator can allow it with Proxy:AllowNodeLogQuery"
                    : null;
        if (refusal is not null)
        {
            await KubernetesStatus.ForbiddenAsync(context, refusal);
            return false;
        }

        return KubeletPathAuthorization.FineGrainedSubresource(path) is not { } fine
            || await AuthorizeAsync(context, user, new ResourceAttributes(verb, "", "nodes", fine, "", node));
    }

    private Task<bool> AuthorizeAsync(HttpContext context, KubernetesUser user, ResourceAttributes question) =>
        authorizer.AuthorizeAsync(context, user, question);

    /// <summary>Forwards to the target; a failure before the response started becomes a Status for the client.</summary>
    private async Task<ForwarderError> ForwardAsync(HttpContext context, ProxyTarget target, ClassifiedRequest request)
    {
        var settings = options.Value;
        context.Features.Get<AuditEntry>()?.Annotate(AuditEntry.UpstreamAddressAnnotation, $"{target.Address}:{target.Port}");
        context.Features.Get<AuditEntry>()?.Annotate(AuditEntry.EgressAnnotation, egressSelector.Cluster.AuditName);
        var invoker = target.Kubelet is { } kubelet ? kubelets.GetInvoker(kubelet) : workloads.GetInvoker(target);
        var destination = target.Kubelet is { } k ? KubeletClientPool.Uri(k, "").ToString().TrimEnd('/') : WorkloadClientPool.Destination(target);
        // HTTP/2 where the workload's pool may choose it (never for an upgrade, which YARP keeps on HTTP/1.1 anyway).
        var http2 = target.Kubelet is null && workloads.SpeaksHttp2(target) && !ForwardedUpgrade.IsUpgrade(context);
        var config = new ForwarderRequestConfig
        {
            ActivityTimeout = settings.IdleTimeout,
            Version = http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            VersionPolicy = http2 ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact,
            AllowResponseBuffering = false,
        };
        var error = await forwarder.SendAsync(context, destination, invoker, config, new ProxyTransformer(target, request.ProxyPrefix, request.ProxyPath));
        if (error == ForwarderError.None || context.Response.HasStarted)
        {
            return error;
        }

        var exception = context.GetForwarderErrorFeature()?.Exception;
        var connect = UpstreamErrors.Find<UpstreamConnectException>(exception);
        ProxyFailed(logger, target.Display, error.ToString(), connect?.Reason ?? exception?.Message ?? error.ToString());
        if (UpstreamErrors.Find<UpstreamRequestRefusedException>(exception) is { } refused)
        {
            await KubernetesStatus.BadRequestAsync(context, refused.Message);
        }
        else if (connect is { Failure: UpstreamFailure.TlsVerification or UpstreamFailure.TlsHandshake })
        {
            await KubernetesStatus.BadGatewayAsync(context, $"error trying to reach {target.Display}: {connect.Reason}");
        }
        else if (connect is not null)
        {
            await KubernetesStatus.ServiceUnavailableAsync(context, $"error trying to reach {target.Display}: {connect.Reason}");
        }
        else if (error is not (ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled))
        {
            await KubernetesStatus.BadGatewayAsync(context, $"error trying to reach {target.Display}: the exchange failed ({error})");
        }

        return error;
    }

    [LoggerMessage(EventIds.ProxyFailed, LogLevel.Warning, "Proxying to {Target} failed ({Error}): {Reason}")]
    private static partial void ProxyFailed(ILogger logger, string target, string error, string reason);
}
