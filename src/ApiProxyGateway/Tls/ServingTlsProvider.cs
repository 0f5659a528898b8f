using System.Net.Security;
using System.Security.Authentication;
using ApiProxyGateway.Hosting;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Tls;

/// <summary>Owns the front door's TLS material and builds the per-connection server options from it.</summary>
internal sealed class ServingTlsProvider
{
    private readonly TimeProvider _timeProvider;
    private readonly ServingTlsMaterial _current;

    public ServingTlsProvider(IOptions<ServingOptions> options, CertificateInventory inventory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _current = Load(options.Value, generation: 1);
        ArgumentNullException.ThrowIfNull(inventory);
        inventory.Register("serving", () => [_current.ServingCertificate]);
        inventory.Register("client-ca", () => _current.ClientAuthorities);
    }

    public ServingTlsMaterial Current => _current;

    public SslServerAuthenticationOptions CreateServerOptions()
    {
        var material = _current;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.CertificateContext,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            CertificateChainPolicy = ClientChainPolicy.Create(material.ClientAuthorities, _timeProvider.GetUtcNow()),

            // The handshake admits any client certificate, or none: the authentication handler validates it and
            // answers with a Kubernetes 401 Status that kubectl can print, instead of an opaque handshake failure.
#pragma warning disable CA5359 // This validates *client* certificates, which the authentication handler checks strictly.
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        };
    }

    private static ServingTlsMaterial Load(ServingOptions options, long generation)
    {
        // The options validator has already reported unreadable or mismatched files at start-up.
        var serving = PemFiles.LoadCertificateAndKey(options.TlsCertFile, options.TlsPrivateKeyFile);
        var authorities = PemFiles.LoadBundle(options.ClientCaFile);
        if (serving.Value is null || authorities.Value is null)
        {
            throw new InvalidOperationException("The serving TLS material could not be loaded; see the start-up validation errors.");
        }

        return new ServingTlsMaterial(serving.Value, authorities.Value, generation);
    }
}
