using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Client-side TLS for every upstream: TLS 1.2+, the given CAs as the only roots, the dialled name checked, the
/// serverAuth usage required, no downloads, no online revocation. There is no option to accept an unverified server.
/// </summary>
internal static class UpstreamTls
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <param name="authorities">The only roots trusted.</param>
    /// <param name="now">The validation time; null for a long-lived policy that validates at the time of each handshake.</param>
    public static X509ChainPolicy CreateChainPolicy(X509Certificate2Collection authorities, DateTimeOffset? now)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationTimeIgnored = now is null,
        };
        if (now is { } time)
        {
            policy.VerificationTime = time.UtcDateTime;
        }

        policy.ApplicationPolicy.Add(new Oid(ServerAuthenticationOid));
        policy.CustomTrustStore.AddRange(authorities);
        return policy;
    }

    /// <summary>
    /// The options of one handshake: SslStream builds the chain under the trust's policy at <paramref name="now"/> and
    /// asks <paramref name="check"/>. ALPN offers http/1.1, or with <paramref name="offerHttp2"/> h2 first and http/1.1
    /// (as Go's transport does).
    /// </summary>
    public static SslClientAuthenticationOptions CreateOptions(UpstreamTrust trust, UpstreamCertificateCheck check, DateTimeOffset now, bool offerHttp2 = false)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(check);
        return new SslClientAuthenticationOptions
        {
            TargetHost = trust.ServerName,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = CreateChainPolicy(trust.Authorities, now),
            ClientCertificateContext = trust.ClientCertificate,
            ApplicationProtocols = offerHttp2 ? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11] : [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = check.Validate,
        };
    }
}
