namespace ApiProxyGateway.Telemetry;

/// <summary>
/// Every log event id of the gateway in one list (as YARP's <c>EventIds</c>): each area has its own hundred, so an
/// operator can filter a log by area, and a new message takes its id here, beside all the others.
/// </summary>
internal static class EventIds
{
    // Hosting
    public const int InvalidConfiguration = 1;
    public const int UnhandledError = 2;
    public const int ShuttingDown = 3;
    public const int RelaxedSetting = 4;

    // Authentication
    public const int NoClientCertificate = 100;
    public const int ClientCertificateRejected = 101;
    public const int ClientCertificateRevoked = 102;

    // Authorization
    public const int ImpersonationDenied = 200;
    public const int ImpersonationUnavailable = 201;
    public const int Impersonating = 202;
    public const int RequestDenied = 203;
    public const int AuthorizationUnavailable = 204;

    // Forwarding
    public const int ForwardFailed = 300;

    // Tls
    public const int CertificatesReloaded = 500;
    public const int CertificatesRefused = 501;
    public const int CertificateWatchUnavailable = 502;
    public const int TlsBuffersKept = 503;

    // Kubernetes
    public const int CacheSynced = 600;
    public const int CacheError = 601;

    // Streaming
    public const int StreamEnded = 700;
    public const int KubeletUnreachable = 701;
    public const int StreamProtocolViolation = 702;

    // Audit
    public const int AuditWriteFailed = 800;

    // Upstreams
    public const int UpstreamRequestRefused = 900;

    // Proxy
    public const int ProxyFailed = 1100;

    // Requests
    public const int RequestRefused = 1200;

    // Egress
    public const int EgressConfigured = 1300;
    public const int EgressSettingIgnored = 1301;
    public const int EgressDialRetried = 1302;
    public const int EgressDraining = 1303;
    public const int EgressConnectionLost = 1304;
    public const int EgressTunnelEnded = 1305;
    public const int EgressCloseUnanswered = 1306;

    // Revocation
    public const int CrlLoaded = 1400;
    public const int CrlStale = 1401;
    public const int DenylistLoaded = 1402;

    // Sessions
    public const int SessionStreamEnded = 1500;
    public const int SessionConnectionEnded = 1501;
    public const int SessionReauthorizationUnavailable = 1502;
    public const int SessionCheckFailed = 1503;

    // Recording
    public const int RecordingOff = 1600;
    public const int RecordingNotStarted = 1601;
    public const int RecordingFailed = 1602;
    public const int RecordingRemoved = 1603;
    public const int RecordingRetentionFailed = 1604;

    // Sessions: re-authorization rounds (this hundred was given to them; the sessions' own hundred is 1500)
    public const int SessionReauthorizationSlow = 1800;

    // Tracing
    public const int TracingOn = 1900;

    // Drain (shutdown with replicas: the listener closing, the drain period ending, requests refused meanwhile)
    public const int ListenerClosing = 1700;
    public const int DrainOver = 1701;
    public const int RefusedWhileDraining = 1702;
}
