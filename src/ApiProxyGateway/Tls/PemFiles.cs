using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Loads PEM certificates, bundles and keys, turning every failure into a sentence an operator can act on.
/// It is the only place that reads certificate material from disk.
/// </summary>
internal static class PemFiles
{
    /// <summary>Loads a certificate file (leaf first, then any intermediates) and its private key.</summary>
    public static PemLoadResult<CertificateWithChain> LoadCertificateAndKey(string certificatePath, string keyPath)
    {
        var chain = LoadBundle(certificatePath);
        if (chain.Value is null)
        {
            return PemLoadResult<CertificateWithChain>.Failed(chain.CertificateError, null);
        }

        string keyPem;
        try
        {
            keyPem = File.ReadAllText(keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            DisposeAll(chain.Value);
            return PemLoadResult<CertificateWithChain>.Failed(null, DescribeReadFailure(keyPath, e));
        }

        var leaf = chain.Value[0];
        try
        {
            var withKey = AttachKey(leaf, keyPem);
            var intermediates = new X509Certificate2Collection();
            for (var i = 1; i < chain.Value.Count; i++)
            {
                intermediates.Add(chain.Value[i]);
            }

            leaf.Dispose();
            return PemLoadResult<CertificateWithChain>.Loaded(new CertificateWithChain(withKey, intermediates));
        }
        catch (ArgumentException)
        {
            DisposeAll(chain.Value);
            return PemLoadResult<CertificateWithChain>.Failed(null, $"the key in '{keyPath}' does not match the certificate in '{certificatePath}'");
        }
        catch (CryptographicException e)
        {
            DisposeAll(chain.Value);
            return PemLoadResult<CertificateWithChain>.Failed(null, $"file '{keyPath}' is not a usable PEM private key: {e.Message}");
        }
    }

    /// <summary>Loads every certificate in a PEM bundle; an empty bundle is an error.</summary>
    public static PemLoadResult<X509Certificate2Collection> LoadBundle(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return PemLoadResult<X509Certificate2Collection>.Failed(DescribeReadFailure(path, e), null);
        }
        catch (CryptographicException e)
        {
            return PemLoadResult<X509Certificate2Collection>.Failed($"file '{path}' is not a valid PEM certificate bundle: {e.Message}", null);
        }

        return collection.Count == 0
            ? PemLoadResult<X509Certificate2Collection>.Failed($"file '{path}' contains no PEM certificate", null)
            : PemLoadResult<X509Certificate2Collection>.Loaded(collection);
    }

    private static X509Certificate2 AttachKey(X509Certificate2 leaf, string keyPem)
    {
        var algorithm = leaf.GetKeyAlgorithm();
        X509Certificate2 withKey;
        if (leaf.GetECDsaPublicKey() is { } ecPublic)
        {
            ecPublic.Dispose();
            using var key = ECDsa.Create();
            key.ImportFromPem(keyPem);
            withKey = leaf.CopyWithPrivateKey(key);
        }
        else if (leaf.GetRSAPublicKey() is { } rsaPublic)
        {
            rsaPublic.Dispose();
            using var key = RSA.Create();
            key.ImportFromPem(keyPem);
            withKey = leaf.CopyWithPrivateKey(key);
        }
        else
        {
            throw new CryptographicException($"unsupported key algorithm {algorithm}; use an RSA or ECDSA key");
        }

        return withKey;
    }

    private static string DescribeReadFailure(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"file '{path}' does not exist",
        UnauthorizedAccessException => $"file '{path}' is not readable (permission denied)",
        ArgumentException => "no file name given",
        _ => $"file '{path}' could not be read: {e.Message}",
    };

    private static void DisposeAll(X509Certificate2Collection collection)
    {
        foreach (var certificate in collection)
        {
            certificate.Dispose();
        }
    }
}
