using System.Formats.Asn1;

namespace ApiProxyGateway.Sandbox.Pki;

/// <summary>One attribute of a certificate subject: its type (CN, O, OU, C, L, ST or a dotted OID), value and string type.</summary>
public sealed record SubjectPart(string Type, string Value, UniversalTagNumber StringType = UniversalTagNumber.UTF8String)
{
    public static SubjectPart CommonName(string value) => new("CN", value);

    public static SubjectPart Organization(string value) => new("O", value);
}
