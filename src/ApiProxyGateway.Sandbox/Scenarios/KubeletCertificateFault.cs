namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>What is wrong with a simulated kubelet's serving certificate (scenario value in parentheses).</summary>
public enum KubeletCertificateFault
{
    /// <summary>(<c>valid</c>) Signed by the kubelet-serving CA, <c>CN=system:node:NAME</c>, <c>O=system:nodes</c>, SANs = the node's addresses.</summary>
    None,

    /// <summary>(<c>self-signed</c>) What a kubelet without serving-certificate bootstrap presents.</summary>
    SelfSigned,

    /// <summary>(<c>expired</c>) Signed by the right CA, but its NotAfter has passed.</summary>
    Expired,

    /// <summary>(<c>unknown-ca</c>) Signed by a CA nobody trusts (it is never written to disk).</summary>
    UnknownAuthority,

    /// <summary>(<c>wrong-san</c>) Signed by the right CA, but its SANs name another address and host.</summary>
    WrongSubjectAlternativeName,

    /// <summary>(<c>wrong-cn</c>) Signed by the right CA with the right SANs, but <c>CN=system:node:</c> names another node.</summary>
    WrongCommonName,
}
