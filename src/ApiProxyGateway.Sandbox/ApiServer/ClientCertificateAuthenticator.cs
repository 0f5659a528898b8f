using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// kube-apiserver's x509 authenticator: a client certificate chaining to the cluster CA with the clientAuth usage
/// authenticates as CN (user) with each O as a group, plus <c>system:authenticated</c>; the subject is read as Go reads
/// it (<see cref="CertificateSubject"/>: the last CN, multi-valued RDNs included).
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

        CertificateSubject subject;
        try
        {
            subject = CertificateSubject.Parse(certificate.SubjectName.RawData);
        }
        catch (FormatException)
        {
            return null; // Go fails to parse such a certificate: it never authenticates
        }

        if (subject.CommonName.Length == 0)
        {
            return null;
        }

        // CommonNameUserConversion: the groups are the organizations as they are (Go keeps empty and repeated
        // values); then AuthenticatedGroupAdder: system:authenticated, except for system:anonymous and when it or
        // system:unauthenticated is already there.
        List<string> groups = [.. subject.Organizations];
        if (subject.CommonName != UserInfo.Anonymous && !groups.Any(g => g is UserInfo.AllAuthenticated or UserInfo.AllUnauthenticated))
        {
            groups.Add(UserInfo.AllAuthenticated);
        }

        return new UserInfo(subject.CommonName, groups);
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
