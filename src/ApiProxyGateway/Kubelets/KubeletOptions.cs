namespace ApiProxyGateway.Kubelets;

/// <summary>How the gateway reaches kubelets (section <c>Kubelet</c>), named like kube-apiserver's kubelet flags.</summary>
internal sealed record KubeletOptions
{
    public const string SectionName = "Kubelet";

    /// <summary>PEM bundle of the CAs that sign kubelet serving certificates (<c>--kubelet-certificate-authority</c>). Required.</summary>
    public string CertificateAuthority { get; init; } = "";

    /// <summary>The gateway's PEM client certificate for kubelets (<c>--kubelet-client-certificate</c>). Required.</summary>
    public string ClientCertificate { get; init; } = "";

    /// <summary>Its PEM private key (<c>--kubelet-client-key</c>). Required.</summary>
    public string ClientKey { get; init; } = "";

    /// <summary>
    /// Node address types to dial, in order of preference (<c>--kubelet-preferred-address-types</c>).
    /// Default <c>InternalIP,ExternalIP,Hostname</c>, as kubeadm configures kube-apiserver.
    /// </summary>
    public string PreferredAddressTypes { get; init; } = "InternalIP,ExternalIP,Hostname";

    /// <summary>Kubelet port used when a node does not publish <c>status.daemonEndpoints.kubeletEndpoint.port</c>. Default 10250.</summary>
    public int Port { get; init; } = 10250;

    /// <summary>Time allowed to connect to a kubelet, TLS handshake included (<c>--kubelet-timeout</c>). Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Skip the check that a kubelet certificate names its node (<c>CN=system:node:&lt;node&gt;</c>, <c>O=system:nodes</c>),
    /// as kube-apiserver's <c>--disable-kubelet-cert-cn-validation</c>. Default false; the chain and the dialled
    /// address are still verified, and turning it on is logged at start-up.
    /// </summary>
    public bool DisableNodeIdentityValidation { get; init; }

    /// <summary>
    /// Read logs over HTTP/2 from kubelets whose TLS handshake chooses h2 in ALPN, as kube-apiserver does, so followed
    /// logs share connections; HTTP/1.1 (a connection each) to the others and for upgrades. Default true.
    /// </summary>
    public bool Http2 { get; init; } = true;

    public IReadOnlyList<string> AddressTypes =>
        PreferredAddressTypes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
