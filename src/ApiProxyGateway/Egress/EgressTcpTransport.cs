namespace ApiProxyGateway.Egress;

/// <summary><c>transport.tcp</c>: the Konnectivity server's URL and the TLS to use with it.</summary>
internal sealed record EgressTcpTransport
{
    /// <summary>For example <c>https://127.0.0.1:8131</c>.</summary>
    public string Url { get; init; } = "";

    public EgressTlsConfig? TlsConfig { get; init; }
}
