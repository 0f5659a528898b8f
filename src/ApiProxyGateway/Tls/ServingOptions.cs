namespace ApiProxyGateway.Tls;

/// <summary>The front door: where the gateway listens, its serving certificate and the client CAs it trusts.</summary>
internal sealed record ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>Address to listen on (<c>--bind-address</c>). Default: all IPv4 addresses.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>HTTPS port (<c>--secure-port</c>). Default 8443.</summary>
    public int SecurePort { get; init; } = 8443;

    /// <summary>PEM serving certificate, leaf first then intermediates (<c>--tls-cert-file</c>). Required.</summary>
    public string TlsCertFile { get; init; } = "";

    /// <summary>PEM private key of the serving certificate (<c>--tls-private-key-file</c>). Required.</summary>
    public string TlsPrivateKeyFile { get; init; } = "";

    /// <summary>
    /// PEM bundle of the CAs that sign client certificates (<c>--client-ca-file</c>). Required. These are the only
    /// roots trusted for callers, and exactly these names are advertised in the TLS handshake.
    /// </summary>
    public string ClientCaFile { get; init; } = "";

    /// <summary>Time a client has to finish the TLS handshake, so slow handshakes cannot hold sockets. Default 10 s.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
