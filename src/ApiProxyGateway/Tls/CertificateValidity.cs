using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>Plain-language checks of a certificate's validity window and key usages.</summary>
internal static class CertificateValidity
{
    /// <summary>Returns why the certificate is not valid at <paramref name="now"/>, or null when it is.</summary>
    public static string? Describe(X509Certificate2 certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
        {
            return $"'{certificate.Subject}' expired at {Format(certificate.NotAfter)}";
        }

        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
        {
            return $"'{certificate.Subject}' is not valid before {Format(certificate.NotBefore)}";
        }

        return null;
    }

    /// <summary>True when the certificate has no extended key usage extension or lists the given usage.</summary>
    public static bool AllowsUsage(X509Certificate2 certificate, string usageOid)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        return extension is null || extension.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(oid => oid.Value == usageOid);
    }

    private static string Format(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
