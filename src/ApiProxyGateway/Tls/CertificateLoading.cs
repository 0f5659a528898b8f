using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>Loads material for use (at start-up after validation, and on reload), refusing anything unusable.</summary>
internal static class CertificateLoading
{
    /// <summary>A certificate and its key; throws <see cref="InvalidDataException"/> when unreadable, mismatched or not valid now.</summary>
    public static CertificateWithChain CertificateAndKey(string certificatePath, string keyPath, DateTimeOffset now)
    {
        var loaded = PemFiles.LoadCertificateAndKey(certificatePath, keyPath);
        if (loaded.Value is not { } value)
        {
            throw new InvalidDataException(loaded.CertificateError ?? loaded.KeyError ?? $"'{certificatePath}' could not be loaded");
        }

        if (CertificateValidity.Describe(value.Certificate, now) is { } problem)
        {
            throw new InvalidDataException($"the certificate in '{certificatePath}' {problem}");
        }

        return value;
    }

    /// <summary>A CA bundle with at least one certificate valid now; throws <see cref="InvalidDataException"/> otherwise.</summary>
    public static X509Certificate2Collection Bundle(string path, DateTimeOffset now)
    {
        var loaded = PemFiles.LoadBundle(path);
        if (loaded.Value is not { } bundle)
        {
            throw new InvalidDataException(loaded.CertificateError ?? $"'{path}' could not be loaded");
        }

        return bundle.Any(certificate => CertificateValidity.Describe(certificate, now) is null)
            ? bundle
            : throw new InvalidDataException($"no certificate in '{path}' is currently valid");
    }
}
