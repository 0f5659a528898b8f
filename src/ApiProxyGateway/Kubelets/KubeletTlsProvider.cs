using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// Owns the kubelet plane's TLS material — the kubelet CA bundle and the gateway's kubelet client certificate,
/// each reloaded from its files — and what a kubelet's certificate must satisfy. Every new kubelet connection
/// reads the current versions.
/// </summary>
internal sealed class KubeletTlsProvider
{
    private readonly ReloadableMaterial<X509Certificate2Collection> _authorities;
    private readonly ReloadableMaterial<ClientCredential> _client;
    private readonly bool _checkNodeIdentity;

    public KubeletTlsProvider(IOptions<KubeletOptions> options, CertificateInventory inventory, ReloadRegistry registry, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(registry);
        var settings = options.Value;
        _checkNodeIdentity = !settings.DisableNodeIdentityValidation;
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

    /// <summary>The kubelet CAs, the name dialled and, unless disabled, the node identity; the gateway presents its kubelet client certificate.</summary>
    public UpstreamTrust TrustFor(KubeletTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new UpstreamTrust(Authorities, target.TlsName)
        {
            IdentityCheck = _checkNodeIdentity ? certificate => NodeIdentity.Check(certificate, target.NodeName) : null,
            ClientCertificate = _client.Current.Context,
        };
    }
}
