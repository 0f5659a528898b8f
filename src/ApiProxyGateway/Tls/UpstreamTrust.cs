using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// What an upstream's serving certificate must satisfy, and what the gateway presents in return: a chain to one of
/// <see cref="Authorities"/> (the only roots), the name, Go's certificate rules and, for kubelets, the node identity.
/// Each upstream class builds its own from its own material; <see cref="UpstreamCertificateCheck"/> applies it.
/// </summary>
/// <param name="Authorities">The only roots trusted.</param>
/// <param name="ServerName">The name sent in SNI and, unless <see cref="AcceptedNames"/> is set, the name the certificate must carry.</param>
internal sealed record UpstreamTrust(X509Certificate2Collection Authorities, string ServerName)
{
    /// <summary>Names any one of which the certificate may carry instead (a Service is reached by several); empty: <see cref="ServerName"/>.</summary>
    public IReadOnlyList<string> AcceptedNames { get; init; } = [];

    /// <summary>A check after chain and name, such as the kubelet's node identity: null when the certificate passes, otherwise why not.</summary>
    public Func<X509Certificate2, string?>? IdentityCheck { get; init; }

    /// <summary>The gateway's client certificate for this upstream; null presents none.</summary>
    public SslStreamCertificateContext? ClientCertificate { get; init; }
}
