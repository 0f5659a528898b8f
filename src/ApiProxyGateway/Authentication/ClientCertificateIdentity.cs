using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Authentication;

/// <summary>
/// Maps a verified certificate to a user exactly as kube-apiserver's x509 authenticator does: the subject's CN is
/// the user name, every O is a group, <c>system:authenticated</c> is added, and the credential id records the
/// certificate's SHA-256.
/// </summary>
internal static class ClientCertificateIdentity
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    public static KubernetesUser? Map(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string? commonName = null;
        var groups = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                // Multi-valued RDNs are not issued by Kubernetes tooling; skipping one can only grant less.
                continue;
            }

            var oid = rdn.GetSingleElementType().Value;
            var value = rdn.GetSingleElementValue();
            if (value is null)
            {
                continue;
            }

            if (oid == CommonNameOid)
            {
                commonName = value;
            }
            else if (oid == OrganizationOid)
            {
                groups.Add(value);
            }
        }

        if (string.IsNullOrEmpty(commonName))
        {
            return null;
        }

        if (!groups.Contains(KubernetesUser.AuthenticatedGroup, StringComparer.Ordinal))
        {
            groups.Add(KubernetesUser.AuthenticatedGroup);
        }

        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [KubernetesUser.CredentialIdExtra] = [CredentialId(certificate)],
        };
        return new KubernetesUser(commonName, groups, Uid: null, extra);
    }

    /// <summary>The credential id kube-apiserver records for certificate users: <c>X509SHA256=</c> and lowercase hex.</summary>
    public static string CredentialId(X509Certificate2 certificate) =>
        "X509SHA256=" + Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
}
