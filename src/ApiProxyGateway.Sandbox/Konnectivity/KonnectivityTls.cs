using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.ApiServer;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// Mutual TLS on the konnectivity plane, as konnectivity-server runs it with <c>--server-ca-cert</c> and
/// <c>--cluster-ca-cert</c>: a client without a certificate from the konnectivity CA does not complete the handshake.
/// </summary>
internal static class KonnectivityTls
{
    public static HttpsConnectionAdapterOptions Server(X509Certificate2 certificate, X509Certificate2 clientCa, TimeProvider timeProvider)
    {
        var authenticator = new ClientCertificateAuthenticator(clientCa, timeProvider);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            CheckCertificateRevocation = false,

            // The chain the handshake built used the machine's roots; ours is built against the konnectivity CA only.
            ClientCertificateValidation = (client, _, _) => authenticator.Authenticate(client) is not null,
        };
    }

    /// <summary>A client presenting <paramref name="clientCertificate"/> and trusting only <paramref name="serverCa"/>.</summary>
    public static SslClientAuthenticationOptions Client(X509Certificate2 clientCertificate, X509Certificate2 serverCa, string? targetHost = null) => new()
    {
        TargetHost = targetHost,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificates = [clientCertificate],
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { serverCa },
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        },
    };
}
