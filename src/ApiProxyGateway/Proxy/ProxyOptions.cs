namespace ApiProxyGateway.Proxy;

/// <summary>The pods/services/nodes proxy subresources (section <c>Proxy</c>).</summary>
internal sealed record ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>The gateway's client certificate for workloads (<c>--proxy-client-cert-file</c>), so they can authenticate it. Required.</summary>
    public string ClientCertificate { get; init; } = "";

    /// <summary>Its private key (<c>--proxy-client-key-file</c>). Required.</summary>
    public string ClientKey { get; init; } = "";

    /// <summary>
    /// The default trust bundle for workloads' serving certificates (<c>--workload-certificate-authority</c>).
    /// Empty: only namespaces and Services with their own bundle can be reached over https.
    /// </summary>
    public string WorkloadCertificateAuthority { get; init; } = "";

    /// <summary>Trust bundles per namespace (namespace → PEM file), used instead of the default.</summary>
    public IReadOnlyDictionary<string, string> NamespaceCertificateAuthorities { get; init; } = new Dictionary<string, string>();

    /// <summary>The cluster DNS domain, for the names a Service's certificate may carry. Default <c>cluster.local</c>.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>
    /// Networks (CIDR) targets may be in besides global unicast addresses, e.g. <c>127.0.0.0/8</c> for the
    /// sandbox. Loopback, link-local (including 169.254.169.254), multicast and unspecified are otherwise refused.
    /// </summary>
    public IReadOnlyList<string> AllowedNetworks { get; init; } = [];

    /// <summary>Namespaces whose pods and services may still be reached over plain http (a migration aid). Default none.</summary>
    public IReadOnlyList<string> PlainHttpNamespaces { get; init; } = [];

    /// <summary>
    /// Allow the kubelet's streaming endpoints (exec, attach, portForward, run, containerLogs) through
    /// <c>nodes/proxy</c>. Default false: <c>get nodes/proxy</c> would otherwise let a reader run commands in every pod.
    /// </summary>
    public bool AllowNodeStreamingEndpoints { get; init; }

    /// <summary>
    /// Allow the kubelet's <c>/checkpoint/</c> endpoint through <c>nodes/proxy</c> (still needing <c>nodes/checkpoint</c>).
    /// Default false: a checkpoint copies a container's memory, secrets included, to the node's disk (CVE-2025-0426).
    /// </summary>
    public bool AllowNodeCheckpoint { get; init; }

    /// <summary>
    /// Allow the kubelet's node log query (<c>/logs/?query=…</c>) through <c>nodes/proxy</c> (still needing
    /// <c>nodes/log</c>). Default false: its parameters reach journalctl or PowerShell on the node (CVE-2024-9042).
    /// </summary>
    public bool AllowNodeLogQuery { get; init; }

    /// <summary>
    /// Speak HTTP/2 to https workloads whose TLS handshake chooses h2 in ALPN, as kube-apiserver does (gRPC needs it);
    /// HTTP/1.1 to the others, to plain http targets and for upgrades. Default true.
    /// </summary>
    public bool Http2 { get; init; } = true;

    /// <summary>Connecting to a workload, TLS included. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A proxied exchange with no data flowing either way (request body or response) for this long is cut. Default 4 hours (WebSockets, event streams, slow uploads).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(4);
}
