using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Recording;
using ApiProxyGateway.Sessions;

namespace ApiProxyGateway.Streaming;

/// <summary>Everything a relay needs about one authorized stream: where it goes and what the client asked for.</summary>
internal sealed record StreamContext(
    HttpContext Http,
    PodSubresource Subresource,
    PodInfo Pod,
    NodeInfo Node,
    KubeletTarget Target,
    HttpMessageInvoker Invoker,
    string KubeletPathAndQuery)
{
    /// <summary>Set by <see cref="StreamRelays"/> before a relay runs.</summary>
    public StreamTracker Tracker { get; set; } = null!;

    public string? ForwardedFor => Http.Connection.RemoteIpAddress?.ToString();

    /// <summary>Cancelled when the client goes away or the gateway's drain period ends: the stream must close.</summary>
    public CancellationToken Closing { get; init; } = Http.RequestAborted;

    /// <summary>
    /// <see cref="Closing"/> without the session guard's end: for relays that own the client's side and end a guarded
    /// stream themselves, cutting the upstream first so the client can still be told why (<see cref="GatewayClose"/>).
    /// </summary>
    public CancellationToken ClosingExceptGuard { get; init; } = Http.RequestAborted;

    /// <summary>Cancelled when the gateway's drain period ends (one cause of <see cref="Closing"/>): tells a stream the shutdown closed from one its client left.</summary>
    public CancellationToken ShuttingDown { get; init; }

    /// <summary>The stream as the session guard holds it; its <see cref="LiveStream.End"/> says why the gateway ended it, if it did.</summary>
    public LiveStream? Session { get; init; }

    /// <summary>The container an exec or attach runs in (the pod's only or default one when the request named none).</summary>
    public string? Container { get; init; }

    /// <summary>The session's recording, when the policy records it (exec and attach only); relays hand it every channel's data.</summary>
    public SessionRecording? Recording { get; init; }

    /// <summary>Why the gateway ended the stream while it was in use (revoked, forbidden, ...), or null.</summary>
    public SessionEnd? EndedByGateway => Session?.End;
}
