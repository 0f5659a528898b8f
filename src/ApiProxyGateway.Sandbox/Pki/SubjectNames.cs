using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ApiProxyGateway.Sandbox.Pki;

/// <summary>
/// Encodes a certificate subject exactly as given: RDNs in order, several attributes in one RDN (a multi-valued RDN),
/// any string type, any value, odd ones included. .NET's <see cref="X500DistinguishedNameBuilder"/> cannot express
/// multi-valued RDNs and reverses the order it was given, and the sandbox must be able to issue the subjects that
/// attackers and sloppy CAs do.
/// </summary>
public static class SubjectNames
{
    private static readonly Dictionary<string, string> Oids = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CN"] = "2.5.4.3", ["O"] = "2.5.4.10", ["OU"] = "2.5.4.11", ["C"] = "2.5.4.6", ["L"] = "2.5.4.7", ["ST"] = "2.5.4.8",
    };

    /// <summary>The usual Kubernetes user subject: one O per group, then the CN, in that encoding order (as openssl -subj "/O=g/CN=u").</summary>
    public static IReadOnlyList<IReadOnlyList<SubjectPart>> ForUser(string name, IEnumerable<string> groups) =>
        [.. groups.Select(group => (IReadOnlyList<SubjectPart>)[SubjectPart.Organization(group)]), [SubjectPart.CommonName(name)]];

    public static X500DistinguishedName Encode(IEnumerable<IReadOnlyList<SubjectPart>> rdns)
    {
        ArgumentNullException.ThrowIfNull(rdns);
        // BER rules, because DER would sort the attributes of a multi-valued RDN; the lengths are DER's either way.
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            foreach (var rdn in rdns)
            {
                using (writer.PushSetOf())
                {
                    foreach (var attribute in rdn)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(Oids.GetValueOrDefault(attribute.Type, attribute.Type));
                            WriteString(writer, attribute);
                        }
                    }
                }
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    /// <summary>Writes the value's bytes under its tag without validating them (the point is to issue odd subjects).</summary>
    private static void WriteString(AsnWriter writer, SubjectPart attribute)
    {
        var bytes = attribute.StringType switch
        {
            UniversalTagNumber.BMPString => Encoding.BigEndianUnicode.GetBytes(attribute.Value),
            UniversalTagNumber.T61String => Encoding.Latin1.GetBytes(attribute.Value),
            _ => Encoding.UTF8.GetBytes(attribute.Value),
        };
        // AsnWriter validates character strings, so the element is assembled by hand: tag, DER length, content.
        var element = new List<byte> { (byte)attribute.StringType };
        if (bytes.Length < 0x80)
        {
            element.Add((byte)bytes.Length);
        }
        else
        {
            var length = BitConverter.GetBytes(bytes.Length).Reverse().SkipWhile(b => b == 0).ToArray();
            element.Add((byte)(0x80 | length.Length));
            element.AddRange(length);
        }

        element.AddRange(bytes);
        writer.WriteEncodedValue(element.ToArray());
    }
}
