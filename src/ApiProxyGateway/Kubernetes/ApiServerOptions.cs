namespace ApiProxyGateway.Kubernetes;

/// <summary>How the gateway reaches the API server (section <c>ApiServer</c>).</summary>
internal sealed record ApiServerOptions
{
    public const string SectionName = "ApiServer";

    /// <summary>
    /// Kubeconfig with the API server address, its CA and the gateway's own credentials (<c>--kubeconfig</c>).
    /// Empty: the in-cluster service-account configuration.
    /// </summary>
    public string Kubeconfig { get; init; } = "";

    /// <summary>Context to use from the kubeconfig. Empty: its current context.</summary>
    public string Context { get; init; } = "";

    /// <summary>
    /// How long an ordinary pass-through request may go without any data flowing before it is cut. Default 2 minutes.
    /// </summary>
    public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a long-running pass-through response (a watch, a followed log) may stay silent before it is cut.
    /// Default 4 hours, as the kubelet's streaming idle timeout.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How long a pooled connection to the API server is reused for new requests. Bounds how long a rotated CA or
    /// client certificate takes to be used by every connection. Default 1 minute.
    /// </summary>
    public TimeSpan ConnectionLifetime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether ordinary pass-through requests may go to the API server over HTTP/2 when it chooses h2 in ALPN, as
    /// kubectl's do: those whose impersonation headers have one value each at most (HttpClient's HTTP/2 would join
    /// several <c>Impersonate-Group</c> values into one); long-running ones (watches, upgrades) stay on HTTP/1.1.
    /// Default true; false: HTTP/1.1 only, with every header as before.
    /// </summary>
    public bool Http2 { get; init; } = true;

    /// <summary>Time allowed to connect to the API server, TLS handshake included. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
