using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// The one chain policy for callers' client certificates: only the configured client CAs are roots (the system
/// store is never consulted), the clientAuth usage is required, nothing is downloaded and revocation is not
/// checked online (Kubernetes CAs publish no CRL or OCSP endpoints).
/// </summary>
internal static class ClientChainPolicy
{
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    public static X509ChainPolicy Create(X509Certificate2Collection clientAuthorities, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clientAuthorities);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            RevocationFlag = X509RevocationFlag.ExcludeRoot,
            DisableCertificateDownloads = true,
            VerificationTimeIgnored = false,
            VerificationTime = now.UtcDateTime,
        };
        policy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        policy.CustomTrustStore.AddRange(clientAuthorities);
        return policy;
    }
}
