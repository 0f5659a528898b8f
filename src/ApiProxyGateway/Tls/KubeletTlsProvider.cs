using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Tls;

/// <summary>Owns the kubelet plane's TLS material: the kubelet CA bundle and the gateway's kubelet client certificate.</summary>
internal sealed class KubeletTlsProvider
{
    public KubeletTlsProvider(IOptions<KubeletOptions> options, CertificateInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;

        // The options validator has already reported unreadable or mismatched files at start-up.
        var authorities = PemFiles.LoadBundle(settings.CertificateAuthority).Value;
        var client = PemFiles.LoadCertificateAndKey(settings.ClientCertificate, settings.ClientKey).Value;
        if (authorities is null || client is null)
        {
            throw new InvalidOperationException("The kubelet TLS material could not be loaded; see the start-up validation errors.");
        }

        Authorities = authorities;
        ClientCertificate = client.Certificate;
        ClientCertificateContext = SslStreamCertificateContext.Create(client.Certificate, client.Intermediates, offline: true);
        ArgumentNullException.ThrowIfNull(inventory);
        inventory.Register("kubelet-client", () => [ClientCertificate]);
        inventory.Register("kubelet-ca", () => Authorities);
    }

    public X509Certificate2Collection Authorities { get; }

    public X509Certificate2 ClientCertificate { get; }

    public SslStreamCertificateContext ClientCertificateContext { get; }
}
