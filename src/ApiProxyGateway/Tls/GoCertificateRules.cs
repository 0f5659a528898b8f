using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Certificates a .NET chain accepts but Go's <c>crypto/x509</c> refuses, so kube-apiserver, kubelets and Go clients
/// would never trust them: a signature made with MD2, MD5 or SHA-1 (<c>InsecureAlgorithmError</c>) or DSA (no longer
/// verified), a negative serial number, an extension repeated. The gateway holds every chain it verifies, its callers'
/// and its upstreams', to the same rules; the root's own self-signature is not checked, as in Go.
/// </summary>
internal static class GoCertificateRules
{
    private static readonly Dictionary<string, string> RefusedSignatures = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.2"] = "MD2 with RSA",
        ["1.2.840.113549.1.1.4"] = "MD5 with RSA",
        ["1.2.840.113549.1.1.5"] = "SHA-1 with RSA",
        ["1.3.14.3.2.29"] = "SHA-1 with RSA",
        ["1.2.840.10045.4.1"] = "ECDSA with SHA-1",
        ["1.2.840.10040.4.3"] = "DSA with SHA-1",
        ["2.16.840.1.101.3.4.3.1"] = "DSA with SHA-224",
        ["2.16.840.1.101.3.4.3.2"] = "DSA with SHA-256",
    };

    /// <summary>Null when Go would accept every certificate of the built chain; otherwise what it would refuse.</summary>
    public static string? Problem(X509ChainElementCollection elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        for (var i = 0; i < elements.Count; i++)
        {
            var certificate = elements[i].Certificate;
            var which = i == 0 ? "the certificate" : $"its issuer '{certificate.Subject}'";
            if (i < elements.Count - 1 && RefusedSignatures.TryGetValue(certificate.SignatureAlgorithm.Value ?? "", out var algorithm))
            {
                return $"{which} is signed with {algorithm}, which Kubernetes does not accept";
            }

            if (certificate.SerialNumberBytes.Length > 0 && (certificate.SerialNumberBytes.Span[0] & 0x80) != 0)
            {
                return $"{which} has a negative serial number, which Kubernetes does not accept";
            }

            var extensions = new HashSet<string>(StringComparer.Ordinal);
            foreach (var extension in certificate.Extensions)
            {
                if (!extensions.Add(extension.Oid?.Value ?? ""))
                {
                    return $"{which} repeats the extension {extension.Oid?.Value}, which Kubernetes does not accept";
                }
            }
        }

        return null;
    }
}
