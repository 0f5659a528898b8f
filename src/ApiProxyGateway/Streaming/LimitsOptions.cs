namespace ApiProxyGateway.Streaming;

/// <summary>
/// Resource limits (section <c>Limits</c>); each protects the gateway from a client that would exhaust it. The stream
/// limits are <see cref="StreamLimiter"/>'s, the proxy request limits <see cref="Proxy.ProxyRequestLimiter"/>'s; the
/// request size limits are Kestrel's, applied by the front door in Hosting.
/// </summary>
internal sealed record LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Streams (logs -f, exec, attach, port-forward, watches) open at once, all users together. Default 20,000.</summary>
    public int MaxStreams { get; init; } = 20_000;

    /// <summary>Streams one user may have open at once; more get 429 with Retry-After. Default 200.</summary>
    public int MaxStreamsPerUser { get; init; } = 200;

    /// <summary>
    /// Ordinary (not upgraded) pods/services/nodes proxy requests in flight at once, all users together: the gateway
    /// serves them itself, out of reach of kube-apiserver's in-flight limits. Default 2,000.
    /// </summary>
    public int MaxProxyRequests { get; init; } = 2_000;

    /// <summary>
    /// Ordinary proxy requests one user may have in flight; more get 429 with Retry-After. Default 400. kube-apiserver
    /// counts proxy requests as long-running, outside its in-flight limits, so this is a limit it does not have: five
    /// users at it fill <see cref="MaxProxyRequests"/> for everyone.
    /// </summary>
    public int MaxProxyRequestsPerUser { get; init; } = 400;

    /// <summary>Largest request body that is not a stream (an object sent to the API server), bytes. Default 10 MiB.</summary>
    public long MaxRequestBodySize { get; init; } = 10 * 1024 * 1024;

    /// <summary>Total size of a request's headers, bytes. Default 32 KiB.</summary>
    public int MaxRequestHeadersTotalSize { get; init; } = 32 * 1024;

    /// <summary>Concurrent HTTP/2 streams per client connection. Default 250.</summary>
    public int Http2MaxStreamsPerConnection { get; init; } = 250;
}
