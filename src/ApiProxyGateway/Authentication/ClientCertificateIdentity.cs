using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Authentication;

/// <summary>
/// Maps a verified certificate to a user exactly as kube-apiserver's x509 authenticator does: the subject read as Go
/// reads it (the last CN is the user name, every O a group, multi-valued RDNs included), <c>system:authenticated</c>
/// added as kube-apiserver adds it, and the credential id recording the certificate's SHA-256. A subject the API server could not read, or an
/// identity that cannot travel in a header unchanged (a control character, white space at either end), is refused:
/// the gateway must never act as someone other than the API server would see.
/// </summary>
internal static class ClientCertificateIdentity
{
    public static ClientCertificateMapping Map(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        CertificateSubject subject;
        try
        {
            subject = CertificateSubject.Parse(certificate.SubjectName.RawData);
        }
        catch (FormatException e)
        {
            return ClientCertificateMapping.Refused(ClientCertificateFailure.UnreadableSubject, $"the client certificate's subject cannot be read as the API server reads it: {e.Message}");
        }

        if (subject.CommonName.Length == 0)
        {
            return ClientCertificateMapping.Refused(ClientCertificateFailure.EmptyCommonName, "the client certificate's subject has no common name");
        }

        if (HeaderText.IdentityProblem(subject.CommonName) is { } nameProblem)
        {
            return ClientCertificateMapping.Refused(ClientCertificateFailure.UnforwardableSubject, $"the client certificate's common name {nameProblem}");
        }

        if (subject.CommonName == KubernetesUser.AnonymousUser)
        {
            // kube-apiserver gives such a certificate no group at all; impersonating system:anonymous always adds
            // system:unauthenticated, so the gateway cannot act as exactly this user and does not try.
            return ClientCertificateMapping.Refused(ClientCertificateFailure.UnforwardableSubject, $"the client certificate names the user {KubernetesUser.AnonymousUser}, which the gateway cannot act as");
        }

        var groups = new List<string>(subject.Organizations.Count + 1);
        for (var i = 0; i < subject.Organizations.Count; i++)
        {
            if (HeaderText.IdentityProblem(subject.Organizations[i]) is { } groupProblem)
            {
                return ClientCertificateMapping.Refused(ClientCertificateFailure.UnforwardableSubject, $"organization {i + 1} of the client certificate's subject {groupProblem}");
            }

            groups.Add(subject.Organizations[i]);
        }

        // kube-apiserver's AuthenticatedGroupAdder: system:authenticated, unless it or system:unauthenticated is there.
        if (!groups.Any(group => group is KubernetesUser.AuthenticatedGroup or KubernetesUser.UnauthenticatedGroup))
        {
            groups.Add(KubernetesUser.AuthenticatedGroup);
        }

        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [KubernetesUser.CredentialIdExtra] = [CredentialId(certificate)],
        };
        return new ClientCertificateMapping(new KubernetesUser(subject.CommonName, groups, Uid: null, extra), ClientCertificateFailure.None, "");
    }

    /// <summary>The credential id kube-apiserver records for certificate users: <c>X509SHA256=</c> and lowercase hex.</summary>
    public static string CredentialId(X509Certificate2 certificate) =>
        "X509SHA256=" + Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
}
