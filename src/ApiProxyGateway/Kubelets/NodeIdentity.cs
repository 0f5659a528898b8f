using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// The identity a kubelet serving certificate must carry (KEP-4872): <c>CN=system:node:&lt;node&gt;</c> and
/// <c>O=system:nodes</c>, as issued by the <c>kubernetes.io/kubelet-serving</c> signer.
/// </summary>
internal static class NodeIdentity
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>Returns why the certificate does not belong to <paramref name="nodeName"/>, or null when it does.</summary>
    public static string? Check(X509Certificate2 certificate, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var commonNames = new List<string>();
        var organizations = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementValue() is not { } value)
            {
                continue;
            }

            var oid = rdn.GetSingleElementType().Value;
            (oid == CommonNameOid ? commonNames : oid == OrganizationOid ? organizations : null)?.Add(value);
        }

        var expected = $"system:node:{nodeName}";
        if (commonNames.Count != 1 || commonNames[0] != expected)
        {
            return $"the certificate belongs to \"{string.Join(",", commonNames)}\", not \"{expected}\"";
        }

        return organizations.Contains("system:nodes", StringComparer.Ordinal)
            ? null
            : "the certificate subject lacks O=system:nodes";
    }
}
