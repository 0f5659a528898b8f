using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;

namespace ApiProxyGateway.Egress;

/// <summary>
/// Owns one selection's TLS material for its Konnectivity server — the CA bundle and the gateway's client
/// certificate and key — each reloaded when its files change, like every other certificate plane. New connections
/// to the server read the current versions.
/// </summary>
internal sealed class EgressTlsMaterial
{
    private readonly ReloadableMaterial<X509Certificate2Collection> _authorities;
    private readonly ReloadableMaterial<ClientCredential> _client;

    public EgressTlsMaterial(string selection, EgressTlsConfig config, ReloadRegistry registry, CertificateInventory inventory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(inventory);
        var authorities = $"egress-{selection}-ca";
        var client = $"egress-{selection}-client";
        _authorities = new ReloadableMaterial<X509Certificate2Collection>(authorities, () => [config.CaBundle],
            () => CertificateLoading.Bundle(config.CaBundle, timeProvider.GetUtcNow()));
        _client = new ReloadableMaterial<ClientCredential>(client, () => [config.ClientCert, config.ClientKey],
            () => ClientCredential.From(CertificateLoading.CertificateAndKey(config.ClientCert, config.ClientKey, timeProvider.GetUtcNow())));
        registry.Add(_authorities);
        registry.Add(_client);
        inventory.Register(authorities, () => _authorities.Current);
        inventory.Register(client, () => [_client.Current.Certificate]);
    }

    public X509Certificate2Collection Authorities => _authorities.Current;

    public SslStreamCertificateContext ClientCertificateContext => _client.Current.Context;
}
