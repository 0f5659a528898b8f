namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>How the gateway reaches konnectivity-server: the <c>transport</c> of an EgressSelectorConfiguration.</summary>
public enum EgressTransport
{
    /// <summary><c>uds</c>: the server's Unix domain socket, <c>DIR/konnectivity/konnectivity-server.socket</c>.</summary>
    Uds,

    /// <summary><c>tcp</c>: <c>https://127.B.0.3:8090</c> with mutual TLS (the konnectivity CA on both sides).</summary>
    Tcp,
}
