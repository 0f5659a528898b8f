namespace ApiProxyGateway.Upstreams;

/// <summary>
/// How one upstream target's connection pool behaves. The defaults are the kubelets' and workloads': an
/// idle connection closes after a minute, and new requests move to new connections within a minute, so rotated
/// credentials and trust bundles are soon used everywhere.
/// </summary>
/// <param name="Upstream">What the pool reaches, as the log names it ("kubelet", "workload", "API server").</param>
/// <param name="ConnectTimeout">The time the connect step allows itself; the handler's own timeout is only a backstop above it.</param>
internal sealed record UpstreamPoolSettings(string Upstream, TimeSpan ConnectTimeout)
{
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ConnectionLifetime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an HTTP/2 connection with requests in flight may be silent before it is pinged (and closed when the ping
    /// is not answered within 15 s), as client-go checks its connections to the API server. Default: never.
    /// </summary>
    public TimeSpan Http2PingDelay { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Each piece of a request body goes on as soon as it is read (<see cref="RequestBodyFlushing"/>), as kube-apiserver's
    /// proxy sends it: for the pools that proxy (kubelets, workloads). Default false: the API server reads whole objects.
    /// </summary>
    public bool FlushRequestBodies { get; init; }

    /// <summary>Header values go out as UTF-8 (user names and groups from certificate subjects may be), as Go servers read them. Default false.</summary>
    public bool Utf8Headers { get; init; }
}
