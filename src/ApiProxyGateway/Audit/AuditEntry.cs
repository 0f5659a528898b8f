using ApiProxyGateway.Authentication;

namespace ApiProxyGateway.Audit;

/// <summary>
/// What the gateway learns about one audited request while it handles it: who asked (and as whom), what for,
/// the authorization decision, where it went, and for streams how it went. Handlers fill it in; the audit
/// middleware turns it into events.
/// </summary>
internal sealed class AuditEntry(string auditId, DateTimeOffset received, string requestUri)
{
    public const string NodeAnnotation = "apiproxygateway.io/node";
    public const string UpstreamAddressAnnotation = "apiproxygateway.io/upstream-address";
    public const string UpstreamCertificateAnnotation = "apiproxygateway.io/upstream-certificate-sha256";
    public const string ProtocolAnnotation = "apiproxygateway.io/protocol";
    public const string EgressAnnotation = "apiproxygateway.io/egress";
    public const string BytesInAnnotation = "apiproxygateway.io/bytes-in";
    public const string BytesOutAnnotation = "apiproxygateway.io/bytes-out";
    public const string DurationAnnotation = "apiproxygateway.io/duration-seconds";
    public const string EndedByAnnotation = "apiproxygateway.io/ended-by";
    public const string ExitCodeAnnotation = "apiproxygateway.io/exit-code";
    public const string RecordingAnnotation = "apiproxygateway.io/recording";
    public const string RecordingSha256Annotation = "apiproxygateway.io/recording-sha256";
    public const string DecisionAnnotation = "authorization.k8s.io/decision";
    public const string ReasonAnnotation = "authorization.k8s.io/reason";

    public string AuditId { get; } = auditId;

    public DateTimeOffset Received { get; } = received;

    public string RequestUri { get; } = requestUri;

    /// <summary>The UID of the object the request turned out to act on (a pod stream's pod), for <c>objectRef.uid</c>.</summary>
    public string? ObjectUid { get; set; }

    public KubernetesUser? User { get; set; }

    public KubernetesUser? ImpersonatedUser { get; set; }

    /// <summary>
    /// Set from the request and, for a stream, from its relay; read when an event is made. A plain dictionary under a
    /// lock: a concurrent one cost some 600 bytes per request for the handful of keys a request sets.
    /// </summary>
    private readonly Dictionary<string, string> _annotations = new(StringComparer.Ordinal);

    /// <summary>Set when a stream was established; the open event is then emitted once.</summary>
    public bool StreamStarted { get; set; }

    public void Annotate(string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            lock (_annotations)
            {
                _annotations[key] = value;
            }
        }
    }

    public bool HasAnnotation(string key)
    {
        lock (_annotations)
        {
            return _annotations.ContainsKey(key);
        }
    }

    /// <summary>The annotations so far, in key order as kube-apiserver writes them, or null if there are none.</summary>
    public SortedDictionary<string, string>? AnnotationsSnapshot()
    {
        lock (_annotations)
        {
            return _annotations.Count == 0 ? null : new SortedDictionary<string, string>(_annotations, StringComparer.Ordinal);
        }
    }
}
