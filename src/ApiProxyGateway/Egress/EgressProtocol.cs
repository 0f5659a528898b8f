namespace ApiProxyGateway.Egress;

/// <summary>
/// A selection's <c>proxyProtocol</c>; the lower-case names are the metric and audit labels
/// (<c>apiproxygateway.io/egress: grpc</c>).
/// </summary>
internal enum EgressProtocol
{
    Direct,
    HttpConnect,
    Grpc,
}
