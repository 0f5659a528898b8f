using ApiProxyGateway.Audit;
using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;
using ApiProxyGateway.Egress;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Recording;
using ApiProxyGateway.Requests;
using ApiProxyGateway.Sessions;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Serves <c>pods/{log,exec,attach,portforward}</c> from the kubelet itself, never through the API server.
/// </summary>
internal sealed class PodStreamHandler(
    EffectiveUserResolver identity,
    RequestAuthorizer authorizer,
    ClusterView cluster,
    KubeletTargetResolver targets,
    KubeletClientPool kubelets,
    EgressSelector egress,
    StreamRelays relays,
    StreamLimiter limiter,
    StreamDrain drain,
    LiveSessions sessions,
    SessionGuard guard,
    SessionRecorder recorder,
    ILogger<PodStreamHandler> logger)
{
    public async Task HandleAsync(HttpContext context, PodSubresource subresource)
    {
        // Step by step: refuse what can never be served (unknown upgrades, requests to skip verification);
        // settle whom the request acts as; authorize it as kube-apiserver 1.35+ does; find the exact pod
        // instance and its kubelet; then relay with the protocol the client and that kubelet can both speak.
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Classified().Info;
        var (ns, name) = (request.Namespace, request.Name);
        var protocol = StreamRequest.Detect(context, out var upgradeToken);
        if (protocol == ClientStreamProtocol.Refused)
        {
            await KubernetesStatus.BadRequestAsync(context, $"upgrade to \"{upgradeToken}\" is not allowed: only SPDY/3.1 and websocket streams are served");
            return;
        }

        if (GoQuery.Bool(context.Request.Query, "insecureSkipTLSVerifyBackend"))
        {
            await KubernetesStatus.BadRequestAsync(context, "insecureSkipTLSVerifyBackend is not supported: this gateway always verifies the kubelet's serving certificate");
            return;
        }

        var user = await identity.ResolveAsync(context);
        var permissions = user is null ? [] : Permissions(context, subresource, ns, name);
        if (user is null || !await AuthorizeAsync(context, user, permissions))
        {
            return;
        }

        var located = await LocateAsync(context, subresource, ns, name);
        if (located is null)
        {
            return;
        }

        using var lease = await limiter.AcquireAsync(context, user);
        if (lease is null)
        {
            return;
        }

        // Held to its access while it is open: ended, with the reason, if the certificate is revoked or the
        // permissions are taken away (SessionGuard).
        using var live = sessions.Open(context, StreamTracker.KindOf(subresource), user, permissions);

        // Recorded as the policy says, from before the upgrade: a recording that is required and cannot be written
        // refuses the session; one that fails later ends it (both through the session's end, with the reason).
        SessionRecording? recording;
        try
        {
            recording = subresource is PodSubresource.Exec or PodSubresource.Attach
                ? recorder.Start(RecordingHeaderFor(context, located, user), message => EndUnrecorded(live, message))
                : null;
        }
        catch (RecordingUnavailableException e)
        {
            await KubernetesStatus.ServiceUnavailableAsync(context, e.Message);
            return;
        }

        // The drain ends a registered stream through its session, so its client is told why (StreamDrain).
        using var closingExceptGuard = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, live is null ? drain.StreamsMustClose : CancellationToken.None);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(closingExceptGuard.Token, live?.Ending ?? CancellationToken.None);
        var stream = located with { Closing = closing.Token, ClosingExceptGuard = closingExceptGuard.Token, ShuttingDown = drain.StreamsMustClose, Session = live, Recording = recording };
        try
        {
            await relays.RunAsync(stream, protocol);
        }
        finally
        {
            if (recording is not null)
            {
                FinishRecording(context, stream, recording);
            }
        }
    }

    private static RecordingHeader RecordingHeaderFor(HttpContext context, StreamContext stream, KubernetesUser user) => new(
        context.Features.Get<AuditEntry>()?.AuditId ?? context.TraceIdentifier,
        user.Name,
        user.Groups,
        stream.Pod.Namespace,
        stream.Pod.Name,
        stream.Container,
        StreamTracker.KindOf(stream.Subresource),
        stream.Subresource == PodSubresource.Exec ? [.. context.Request.Query["command"].Select(part => part ?? "")] : [],
        GoQuery.Bool(context.Request.Query, "tty"),
        context.Features.Get<AuditEntry>()?.Received ?? DateTimeOffset.UtcNow);

    /// <summary>The recording failed while the session ran: <paramref name="message"/> ends it, when recording is required.</summary>
    private void EndUnrecorded(LiveStream? live, string? message)
    {
        if (message is not null && live is not null)
        {
            guard.Close(live, new SessionEnd(SessionEnd.RecordingFailed, message));
        }
    }

    /// <summary>Closes the recording; its file and SHA-256 go in the audit event, or the file goes if the stream never started.</summary>
    private void FinishRecording(HttpContext context, StreamContext stream, SessionRecording recording)
    {
        var started = stream.Tracker?.IsStarted == true;
        var sha256 = recorder.Finish(recording, keep: started);
        if (started && context.Features.Get<AuditEntry>() is { } audit)
        {
            audit.Annotate(AuditEntry.RecordingAnnotation, recording.FileName);
            audit.Annotate(AuditEntry.RecordingSha256Annotation, sha256);
        }
    }

    /// <summary>
    /// What the stream is authorized as. pods/log is read with get. Streams need create whatever the method; a
    /// WebSocket GET is first authorized as get, as kube-apiserver's request filter does, then as create.
    /// </summary>
    private static ResourceAttributes[] Permissions(HttpContext context, PodSubresource subresource, string ns, string name)
    {
        var resource = subresource switch
        {
            PodSubresource.Log => "log",
            PodSubresource.Exec => "exec",
            PodSubresource.Attach => "attach",
            _ => "portforward",
        };
        string[] verbs = subresource == PodSubresource.Log ? ["get"]
            : HttpMethods.IsGet(context.Request.Method) ? ["get", "create"] : ["create"];
        return [.. verbs.Select(verb => new ResourceAttributes(verb, "", "pods", resource, ns, name))];
    }

    private async Task<bool> AuthorizeAsync(HttpContext context, KubernetesUser user, ResourceAttributes[] permissions)
    {
        foreach (var permission in permissions)
        {
            if (!await authorizer.AuthorizeAsync(context, user, permission))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<StreamContext?> LocateAsync(HttpContext context, PodSubresource subresource, string ns, string name)
    {
        var pod = await cluster.GetPodAsync(ns, name, context.RequestAborted);
        if (pod is null)
        {
            await KubernetesStatus.WriteAsync(context, KubernetesStatus.Failure(404, "NotFound", $"pods \"{name}\" not found", new StatusDetails(name, null, "pods")));
            return null;
        }

        if (pod.NodeName is null)
        {
            await KubernetesStatus.BadRequestAsync(context, $"pod {name} does not have a host assigned");
            return null;
        }

        string path;
        string? container;
        try
        {
            container = subresource == PodSubresource.PortForward ? null : ContainerSelection.Resolve(pod, GoQuery.First(context.Request.Query, "container"));
            path = KubeletPaths.For(subresource, pod, container, context.Request.Query);
        }
        catch (FormatException e)
        {
            await KubernetesStatus.BadRequestAsync(context, e.Message);
            return null;
        }

        var node = await cluster.GetNodeAsync(pod.NodeName, context.RequestAborted);
        if (node is null)
        {
            await KubernetesStatus.ServiceUnavailableAsync(context, $"node \"{pod.NodeName}\" of pod {ns}/{name} was not found");
            return null;
        }

        try
        {
            var audit = context.Features.Get<AuditEntry>();
            audit?.ObjectUid = pod.Uid;
            audit?.Annotate(AuditEntry.NodeAnnotation, node.Name);
            var target = await targets.ResolveAsync(node, context.RequestAborted);
            audit?.Annotate(AuditEntry.UpstreamAddressAnnotation, $"{target.Address}:{target.Port}");
            audit?.Annotate(AuditEntry.EgressAnnotation, egress.Cluster.AuditName);
            return new StreamContext(context, subresource, pod, node, target, kubelets.GetInvoker(target), path) { Container = container };
        }
        catch (UpstreamConnectException e)
        {
            StreamingLog.KubeletUnreachable(logger, subresource, ns, name, e.Message);
            await KubeletResponses.WriteConnectFailureAsync(context, e);
            return null;
        }
    }
}
