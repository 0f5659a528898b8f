using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// Reads a CRL file (PEM with one or more <c>X509 CRL</c> blocks, or one DER CRL) and verifies each CRL against the
/// client-CA bundle. BouncyCastle parses and verifies: .NET can build CRLs but not read them, and a hand-written
/// ASN.1 reader for input that decides who is locked out is the wrong place to save a dependency.
/// </summary>
internal static class CrlReader
{
    /// <summary>The largest CRL file read; a Kubernetes client CA's CRL is a few kilobytes.</summary>
    public const int MaxFileBytes = 32 * 1024 * 1024;

    private const string PemLabel = "X509 CRL";

    /// <summary>Every CRL in <paramref name="path"/>; throws <see cref="InvalidDataException"/> saying what is wrong with the first bad one.</summary>
    public static IReadOnlyList<RevocationList> Read(string path, X509Certificate2Collection authorities)
    {
        var encodings = Encodings(path, BoundedFile.Read(path, MaxFileBytes));
        return [.. encodings.Select((der, index) => Verify(encodings.Count == 1 ? $"the CRL in '{path}'" : $"CRL {index + 1} in '{path}'", path, der, authorities))];
    }

    private static List<byte[]> Encodings(string path, byte[] bytes)
    {
        if (bytes.Length > 0 && bytes[0] == 0x30)
        {
            return [bytes]; // DER: a SEQUENCE
        }

        var text = Encoding.ASCII.GetString(bytes).AsSpan();
        var blocks = new List<byte[]>();
        while (PemEncoding.TryFind(text, out var fields))
        {
            var label = text[fields.Label].ToString();
            if (label != PemLabel)
            {
                throw new InvalidDataException($"file '{path}' holds a PEM {label}, not an {PemLabel}");
            }

            blocks.Add(Convert.FromBase64String(text[fields.Base64Data].ToString()));
            text = text[fields.Location.End..];
        }

        return blocks.Count > 0 ? blocks : throw new InvalidDataException($"file '{path}' is neither PEM ({PemLabel}) nor a DER CRL");
    }

    private static RevocationList Verify(string what, string path, byte[] der, X509Certificate2Collection authorities)
    {
        X509Crl crl;
        try
        {
            crl = new X509Crl(CertificateList.GetInstance(Asn1Object.FromByteArray(der)));
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{what} is not a valid CRL: {e.Message}", e);
        }

        if (crl.GetCriticalExtensionOids() is { Count: > 0 } critical)
        {
            // RFC 5280: a CRL with a critical extension the reader does not understand must not be used. Delta and
            // partitioned CRLs (issuing distribution point) are such extensions.
            throw new InvalidDataException($"{what} has critical extensions the gateway does not understand ({string.Join(", ", critical.Order(StringComparer.Ordinal))}); delta and partitioned CRLs are not supported");
        }

        var signer = Signer(what, crl, authorities);
        var revoked = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var entry in (IEnumerable<X509CrlEntry>?)crl.GetRevokedCertificates() ?? [])
        {
            if (entry.GetCriticalExtensionOids() is { Count: > 0 } entryCritical)
            {
                throw new InvalidDataException($"{what} revokes serial {entry.SerialNumber.ToString(16)} with critical extensions the gateway does not understand ({string.Join(", ", entryCritical.Order(StringComparer.Ordinal))}); indirect CRLs are not supported");
            }

            var serial = SerialNumbers.FromBytes(entry.SerialNumber.ToByteArray());
            var date = new DateTimeOffset(DateTime.SpecifyKind(entry.RevocationDate, DateTimeKind.Utc));
            revoked[serial] = revoked.TryGetValue(serial, out var earlier) && earlier < date ? earlier : date;
        }

        return new RevocationList(
            path,
            signer.Subject,
            signer.SubjectName.RawData,
            signer.PublicKey.ExportSubjectPublicKeyInfo(),
            Utc(crl.ThisUpdate),
            crl.NextUpdate is { } next ? Utc(next) : null,
            revoked.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The CA of the bundle that issued and signed the CRL: same name, allowed to sign CRLs, and the signature verifies.</summary>
    private static X509Certificate2 Signer(string what, X509Crl crl, X509Certificate2Collection authorities)
    {
        var named = authorities.Where(authority => crl.IssuerDN.Equivalent(X509Name.GetInstance(authority.SubjectName.RawData))).ToList();
        if (named.Count == 0)
        {
            throw new InvalidDataException($"{what} is issued by '{crl.IssuerDN}', which is not a CA of the client-CA bundle");
        }

        foreach (var authority in named)
        {
            if (authority.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && (usage.KeyUsages & X509KeyUsageFlags.CrlSign) == 0)
            {
                continue;
            }

            try
            {
                crl.Verify(PublicKeyFactory.CreateKey(authority.PublicKey.ExportSubjectPublicKeyInfo()));
                return authority;
            }
            catch (Exception e) when (e is InvalidKeyException or SignatureException or SecurityUtilityException or ArgumentException or InvalidOperationException)
            {
                // Not this CA's signature; a renewed CA of the same name may still be the signer.
            }
        }

        throw new InvalidDataException($"{what} names '{crl.IssuerDN}' as its issuer, but no CA of that name in the client-CA bundle signed it (or may sign CRLs)");
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
