using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// kube-apiserver's x509 authenticator: a client certificate chaining to the cluster CA with the clientAuth usage
/// authenticates as CN (user) with each O as a group, plus <c>system:authenticated</c>.
/// </summary>
internal sealed class ClientCertificateAuthenticator(X509Certificate2 clusterCa, TimeProvider timeProvider)
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public UserInfo? Authenticate(X509Certificate2? certificate)
    {
        if (certificate is null || !ChainsToClusterCa(certificate))
        {
            return null;
        }

        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => rdn.GetSingleElementType().Value == "2.5.4.10") // O
            .Select(rdn => rdn.GetSingleElementValue() ?? "")
            .Where(o => o.Length > 0)
            .Append(UserInfo.AllAuthenticated)
            .Distinct()
            .ToList();
        return new UserInfo(name, groups);
    }

    private bool ChainsToClusterCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(clusterCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a sandbox CA publishes no CRL
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);
        chain.ChainPolicy.VerificationTime = timeProvider.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }
}
