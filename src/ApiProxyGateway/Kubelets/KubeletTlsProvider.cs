using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// Owns the kubelet plane's TLS material — the kubelet CA bundle and the gateway's kubelet client certificate,
/// each reloaded from its files. Every new kubelet connection reads the current versions.
/// </summary>
internal sealed class KubeletTlsProvider
{
    private readonly ReloadableMaterial<X509Certificate2Collection> _authorities;
    private readonly ReloadableMaterial<ClientCredential> _client;

    public KubeletTlsProvider(IOptions<KubeletOptions> options, CertificateInventory inventory, ReloadRegistry registry, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(registry);
        var settings = options.Value;
        _authorities = new ReloadableMaterial<X509Certificate2Collection>("kubelet-ca", () => [settings.CertificateAuthority],
            () => CertificateLoading.Bundle(settings.CertificateAuthority, timeProvider.GetUtcNow()));
        _client = new ReloadableMaterial<ClientCredential>("kubelet-client", () => [settings.ClientCertificate, settings.ClientKey],
            () => ClientCredential.From(CertificateLoading.CertificateAndKey(settings.ClientCertificate, settings.ClientKey, timeProvider.GetUtcNow())));
        registry.Add(_authorities);
        registry.Add(_client);
        inventory.Register("kubelet-client", () => [ClientCertificate]);
        inventory.Register("kubelet-ca", () => Authorities);
    }

    public X509Certificate2Collection Authorities => _authorities.Current;

    public X509Certificate2 ClientCertificate => _client.Current.Certificate;

    public SslStreamCertificateContext ClientCertificateContext => _client.Current.Context;
}
