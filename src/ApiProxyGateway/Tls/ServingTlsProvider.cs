using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Owns the front door's TLS material — the serving certificate and the client-CA bundle, each reloaded from
/// its files — and builds the per-connection server options from the current versions.
/// </summary>
internal sealed class ServingTlsProvider
{
    private readonly ReloadableMaterial<CertificateWithChain> _serving;
    private readonly ReloadableMaterial<X509Certificate2Collection> _clientAuthorities;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private ServingTlsMaterial? _material;

    public ServingTlsProvider(IOptions<ServingOptions> options, CertificateInventory inventory, ReloadRegistry registry, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(registry);
        var settings = options.Value;
        _timeProvider = timeProvider;
        _serving = new ReloadableMaterial<CertificateWithChain>("serving", () => [settings.TlsCertFile, settings.TlsPrivateKeyFile],
            () => CertificateLoading.CertificateAndKey(settings.TlsCertFile, settings.TlsPrivateKeyFile, timeProvider.GetUtcNow()));
        _clientAuthorities = new ReloadableMaterial<X509Certificate2Collection>("client-ca", () => [settings.ClientCaFile],
            () => CertificateLoading.Bundle(settings.ClientCaFile, timeProvider.GetUtcNow()));
        registry.Add(_serving);
        registry.Add(_clientAuthorities);
        inventory.Register("serving", () => [_serving.Current.Certificate]);
        inventory.Register("client-ca", () => _clientAuthorities.Current);
    }

    /// <summary>The current material; rebuilt (once) after either part was reloaded.</summary>
    public ServingTlsMaterial Current
    {
        get
        {
            var material = _material;
            if (material is not null && material.ServingGeneration == _serving.Generation && material.Generation == _clientAuthorities.Generation)
            {
                return material;
            }

            lock (_lock)
            {
                if (_material is not { } current || current.ServingGeneration != _serving.Generation || current.Generation != _clientAuthorities.Generation)
                {
                    _material = new ServingTlsMaterial(_serving.Current, _clientAuthorities.Current, _serving.Generation, _clientAuthorities.Generation);
                }

                return _material;
            }
        }
    }

    public SslServerAuthenticationOptions CreateServerOptions()
    {
        var material = Current;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.CertificateContext,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = ClientChainPolicy.Create(material.ClientAuthorities, _timeProvider.GetUtcNow()),

            // The handshake admits any client certificate, or none: the authentication handler validates it and
            // answers with a Kubernetes 401 Status that kubectl can print, instead of an opaque handshake failure.
#pragma warning disable CA5359 // This validates *client* certificates, which the authentication handler checks strictly.
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        };
    }
}
