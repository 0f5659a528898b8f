namespace ApiProxyGateway.Egress;

/// <summary>A connection's <c>transport</c>: a Unix domain socket or TCP (with TLS) to the Konnectivity server.</summary>
internal sealed record EgressTransport
{
    public EgressTcpTransport? Tcp { get; init; }

    /// <summary><c>uds.udsName</c>: the socket's path, without a <c>unix://</c> prefix.</summary>
    public EgressUdsTransport? Uds { get; init; }
}
