namespace ApiProxyGateway.Egress;

/// <summary><c>transport.tcp.tlsConfig</c>: PEM files for mutual TLS with the Konnectivity server.</summary>
internal sealed record EgressTlsConfig
{
    /// <summary>The CAs that sign the Konnectivity server's certificate, its only roots (the gateway never falls back to the system store).</summary>
    public string CaBundle { get; init; } = "";

    public string ClientCert { get; init; } = "";

    public string ClientKey { get; init; } = "";

    /// <summary>
    /// The name the server's certificate must carry, and the SNI, when not the URL's host (kube-apiserver 1.36+,
    /// kubernetes/kubernetes#136640).
    /// </summary>
    public string TlsServerName { get; init; } = "";
}
