using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// One loaded generation of the front door's TLS material: the serving certificate context (which also carries
/// the client-CA names sent in the handshake) and the client CAs used to validate callers.
/// </summary>
internal sealed class ServingTlsMaterial
{
    public ServingTlsMaterial(CertificateWithChain serving, X509Certificate2Collection clientAuthorities, long servingGeneration, long generation)
    {
        ServingGeneration = servingGeneration;
        ArgumentNullException.ThrowIfNull(serving);
        ServingCertificate = serving.Certificate;
        ClientAuthorities = clientAuthorities;
        Generation = generation;

        // Go clients (kubectl) only present a certificate whose issuer is among the CA names the server lists, so
        // list exactly the configured client CAs instead of whatever the platform would send.
        CertificateContext = SslStreamCertificateContext.Create(
            serving.Certificate,
            serving.Intermediates,
            offline: true,
            trust: SslCertificateTrust.CreateForX509Collection(clientAuthorities, sendTrustInHandshake: true));
    }

    public X509Certificate2 ServingCertificate { get; }

    public X509Certificate2Collection ClientAuthorities { get; }

    public SslStreamCertificateContext CertificateContext { get; }

    public long ServingGeneration { get; }

    /// <summary>The client-CA generation: caches keyed on it never outlive the trust they were decided with.</summary>
    public long Generation { get; }
}
