namespace ApiProxyGateway.Proxy;

/// <summary>Which proxy subresource a request is for.</summary>
internal enum ProxyKind
{
    Pods,
    Services,
    Nodes,
}
