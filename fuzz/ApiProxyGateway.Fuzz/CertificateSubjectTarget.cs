using System.Formats.Asn1;
using ApiProxyGateway.Protocols.Http;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// <c>certificate-subject</c>: <see cref="CertificateSubject.Parse"/> over arbitrary DER, where only
/// <see cref="FormatException"/> may come out, within an allocation budget; a subject it reads is encoded again
/// (UTF8String, the O values then the CN) and must read back the same, and the header rules that decide whether the
/// identity may be forwarded must answer for every value.
/// </summary>
internal static class CertificateSubjectTarget
{
    public static FuzzTarget Target { get; } = new(
        "certificate-subject",
        "CertificateSubject.Parse (Go's reading of an X.509 subject) and the identity header rules on what it reads",
        ["ApiProxyGateway.Protocols.dll"],
        Run,
        Seeds);

    private static void Run(byte[] input)
    {
        var budget = AllocationBudget.Start(input.Length, baseline: 64 * 1024, perInputByte: 64);
        CertificateSubject subject;
        try
        {
            subject = CertificateSubject.Parse(input);
        }
        catch (FormatException)
        {
            budget.Check("Refusing a subject");
            return; // Go refuses it too
        }

        budget.Check("Reading a subject");
        _ = HeaderText.IdentityProblem(subject.CommonName);
        foreach (var organization in subject.Organizations)
        {
            _ = HeaderText.IdentityProblem(organization);
        }

        var again = CertificateSubject.Parse(Encode(subject));
        if (again.CommonName != subject.CommonName || !again.Organizations.SequenceEqual(subject.Organizations))
        {
            throw new FuzzFinding($"The subject CN={subject.CommonName} O=[{string.Join(", ", subject.Organizations)}] read back differently.");
        }
    }

    private static byte[] Encode(CertificateSubject subject)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var organization in subject.Organizations)
            {
                Attribute(writer, "2.5.4.10", organization);
            }

            if (subject.CommonName.Length > 0)
            {
                Attribute(writer, "2.5.4.3", subject.CommonName);
            }
        }

        return writer.Encode();
    }

    private static void Attribute(AsnWriter writer, string oid, string value)
    {
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds()
    {
        yield return ("user", Name([("2.5.4.10", 0x0C, "dev"u8.ToArray())], [("2.5.4.3", 0x0C, "jane"u8.ToArray())]));
        yield return ("two-common-names", Name([("2.5.4.3", 0x0C, "admin"u8.ToArray())], [("2.5.4.3", 0x0C, "viewer"u8.ToArray())]));
        yield return ("multi-valued", Name([("2.5.4.3", 0x0C, "viewer"u8.ToArray()), ("2.5.4.10", 0x0C, "x"u8.ToArray())]));
        yield return ("crlf-group", Name([("2.5.4.10", 0x0C, "a\r\nImpersonate-Group: system:masters"u8.ToArray())], [("2.5.4.3", 0x0C, "m"u8.ToArray())]));
        yield return ("printable", Name([("2.5.4.3", 0x13, "jane doe"u8.ToArray())]));
        yield return ("bmp", Name([("2.5.4.3", 0x1E, [0x00, 0x5A, 0x00, 0xEB])]));
        yield return ("t61", Name([("2.5.4.3", 0x14, [0x5A, 0xEB])]));
        yield return ("ia5-numeric", Name([("2.5.4.3", 0x16, "a@b"u8.ToArray())], [("2.5.4.5", 0x12, "12 34"u8.ToArray())]));
    }

    /// <summary>A DER Name from RDNs of (OID, string tag, content) attributes.</summary>
    private static byte[] Name(params (string Oid, byte Tag, byte[] Content)[][] rdns)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER); // BER keeps a multi-valued RDN in the order given
        using (writer.PushSequence())
        {
            foreach (var rdn in rdns)
            {
                using (writer.PushSetOf())
                {
                    foreach (var (oid, tag, content) in rdn)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(oid);
                            writer.WriteEncodedValue([tag, (byte)content.Length, .. content]);
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }
}
