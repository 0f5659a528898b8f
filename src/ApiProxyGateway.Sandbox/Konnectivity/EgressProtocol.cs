namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>How the gateway speaks to konnectivity-server: the <c>proxyProtocol</c> of an EgressSelectorConfiguration.</summary>
public enum EgressProtocol
{
    /// <summary><c>GRPC</c>: ProxyService.Proxy streams, one tunnel each (kube-apiserver allows it over UDS only).</summary>
    Grpc,

    /// <summary><c>HTTPConnect</c>: <c>CONNECT host:port HTTP/1.1</c>, then raw bytes (over UDS or TCP with mutual TLS).</summary>
    HttpConnect,
}
