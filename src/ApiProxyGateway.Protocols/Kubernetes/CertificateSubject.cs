using System.Formats.Asn1;
using System.Text;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The user a client certificate's subject names to kube-apiserver's x509 authenticator: the common name is the
/// user and each organization a group. Read exactly as Go does it, because the gateway and the API server must never
/// disagree about who a certificate is: <c>crypto/x509</c>'s <c>parseName</c> and <c>parseASN1String</c> (which
/// string types exist and what makes them invalid), then <c>pkix.Name.FillFromRDNSequence</c> (every attribute of
/// every RDN in encoding order, multi-valued RDNs included; the <em>last</em> CN wins; every O is kept in order).
/// </summary>
/// <remarks>
/// Hand-written over <see cref="AsnReader"/> because .NET's <c>X500DistinguishedName</c> readers pick CNs and decode
/// strings differently from Go (first CN, no multi-valued RDNs, other string rules).
/// </remarks>
public sealed record CertificateSubject(string CommonName, IReadOnlyList<string> Organizations)
{
    /// <summary>More attributes than any real certificate carries; a subject beyond it is refused, not read.</summary>
    public const int MaxAttributes = 256;

    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a DER <c>Name</c>. Throws <see cref="FormatException"/> where Go's certificate parser fails, so the
    /// certificate would never authenticate at the API server either.
    /// </summary>
    public static CertificateSubject Parse(ReadOnlyMemory<byte> name)
    {
        try
        {
            return ParseCore(name);
        }
        catch (AsnContentException e)
        {
            throw new FormatException($"the subject is not valid DER: {e.Message}", e);
        }
    }

    private static CertificateSubject ParseCore(ReadOnlyMemory<byte> name)
    {
        var outer = new AsnReader(name, AsnEncodingRules.DER);
        var sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var commonName = "";
        var organizations = new List<string>();
        var attributes = 0;
        while (sequence.HasData)
        {
            // A SET's members are read in the order they were encoded, as Go does (DER sorts them; Go never checks).
            var set = sequence.ReadSetOf(skipSortOrderValidation: true);
            while (set.HasData)
            {
                if (++attributes > MaxAttributes)
                {
                    throw new FormatException($"the subject has more than {MaxAttributes} attributes");
                }

                var attribute = set.ReadSequence();
                var type = attribute.ReadObjectIdentifier();
                var value = ReadString(attribute);

                // Go reads the type and the value and ignores anything after them in the attribute.
                if (type == CommonNameOid)
                {
                    commonName = value;
                }
                else if (type == OrganizationOid)
                {
                    organizations.Add(value);
                }
            }
        }

        return new CertificateSubject(commonName, organizations);
    }

    private static string ReadString(AsnReader attribute)
    {
        var tag = attribute.PeekTag();
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed || !Enum.IsDefined((UniversalTagNumber)tag.TagValue))
        {
            throw new FormatException($"an attribute value has the unsupported type {tag}");
        }

        var type = (UniversalTagNumber)tag.TagValue;
        if (type is not (UniversalTagNumber.T61String or UniversalTagNumber.PrintableString or UniversalTagNumber.UTF8String
            or UniversalTagNumber.BMPString or UniversalTagNumber.IA5String or UniversalTagNumber.NumericString))
        {
            throw new FormatException($"an attribute value has the unsupported string type {type}");
        }

        if (!attribute.TryReadPrimitiveCharacterStringBytes(tag, out var contents))
        {
            throw new FormatException("an attribute value is not a primitive string");
        }

        var content = contents.Span;
        return type switch
        {
            UniversalTagNumber.T61String => Encoding.Latin1.GetString(content), // Go reads T.61 as Latin-1
            UniversalTagNumber.PrintableString => Checked(content, IsPrintable, "PrintableString"),
            UniversalTagNumber.UTF8String => Utf8(content),
            UniversalTagNumber.BMPString => Bmp(content),
            UniversalTagNumber.IA5String => Checked(content, b => b < 0x80, "IA5String"),
            _ => Checked(content, b => b is (>= (byte)'0' and <= (byte)'9') or (byte)' ', "NumericString"),
        };
    }

    private static string Checked(ReadOnlySpan<byte> content, Func<byte, bool> allowed, string type)
    {
        foreach (var b in content)
        {
            if (!allowed(b))
            {
                throw new FormatException($"an attribute value is not a valid {type}");
            }
        }

        return Encoding.ASCII.GetString(content);
    }

    private static string Utf8(ReadOnlySpan<byte> content)
    {
        try
        {
            return StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("an attribute value is not valid UTF-8", e);
        }
    }

    private static string Bmp(ReadOnlySpan<byte> content)
    {
        if (content.Length % 2 != 0)
        {
            throw new FormatException("an attribute value is not a valid BMPString");
        }

        if (content.Length >= 2 && content[^1] == 0 && content[^2] == 0)
        {
            content = content[..^2]; // Go strips one terminator
        }

        var text = new StringBuilder(content.Length / 2);
        for (var i = 0; i < content.Length; i += 2)
        {
            var point = (char)((content[i] << 8) | content[i + 1]);
            if (point is '\uFFFE' or '\uFFFF' or (>= '\uFDD0' and <= '\uFDEF') || char.IsSurrogate(point))
            {
                throw new FormatException("an attribute value is not a valid BMPString");
            }

            text.Append(point);
        }

        return text.ToString();
    }

    /// <summary>Go's PrintableString set, which also admits '*' and '&amp;' for real-world certificates.</summary>
    private static bool IsPrintable(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (>= (byte)'\'' and <= (byte)')') or (>= (byte)'+' and <= (byte)'/')
            or (byte)' ' or (byte)':' or (byte)'=' or (byte)'?' or (byte)'*' or (byte)'&';
}
