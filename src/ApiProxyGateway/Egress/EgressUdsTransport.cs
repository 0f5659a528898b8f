namespace ApiProxyGateway.Egress;

/// <summary><c>transport.uds</c>.</summary>
internal sealed record EgressUdsTransport
{
    /// <summary>The socket's path, without a <c>unix://</c> prefix (for example <c>/etc/kubernetes/konnectivity-server/konnectivity-server.socket</c>).</summary>
    public string UdsName { get; init; } = "";
}
