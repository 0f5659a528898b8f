using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>A client certificate ready to present: the certificate and its handshake context (chain included).</summary>
internal sealed record ClientCredential(X509Certificate2 Certificate, SslStreamCertificateContext Context)
{
    public static ClientCredential From(CertificateWithChain loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return new ClientCredential(loaded.Certificate, SslStreamCertificateContext.Create(loaded.Certificate, loaded.Intermediates, offline: true));
    }
}
