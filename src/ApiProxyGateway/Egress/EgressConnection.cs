namespace ApiProxyGateway.Egress;

/// <summary>A selection's <c>connection</c>: the protocol spoken to the Konnectivity server and how to reach it.</summary>
internal sealed record EgressConnection
{
    public const string Direct = "Direct";
    public const string HttpConnect = "HTTPConnect";
    public const string Grpc = "GRPC";

    /// <summary><c>proxyProtocol</c> as written: <c>Direct</c>, <c>HTTPConnect</c> or <c>GRPC</c> (case matters, as in kube-apiserver).</summary>
    public string ProxyProtocol { get; init; } = "";

    public EgressTransport? Transport { get; init; }
}
