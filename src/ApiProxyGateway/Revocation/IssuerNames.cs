using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// Finds the CAs of the client-CA bundle that a distinguished name written by a person names, so that comparisons
/// afterwards use the CA's exact subject bytes. The name may be written as <c>openssl x509 -noout -issuer</c>
/// prints it (<c>C = US, O = org, CN = ca</c>, most general first) or in RFC 4514 order (<c>CN=ca,O=org,C=US</c>);
/// attribute types by short name or dotted OID; values compared without regard to case, as names are matched.
/// </summary>
internal static class IssuerNames
{
    private static readonly Dictionary<string, string> Oids = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CN"] = "2.5.4.3", ["SERIALNUMBER"] = "2.5.4.5", ["C"] = "2.5.4.6", ["L"] = "2.5.4.7", ["ST"] = "2.5.4.8", ["S"] = "2.5.4.8",
        ["STREET"] = "2.5.4.9", ["O"] = "2.5.4.10", ["OU"] = "2.5.4.11", ["DC"] = "0.9.2342.19200300.100.1.25",
        ["UID"] = "0.9.2342.19200300.100.1.1", ["emailAddress"] = "1.2.840.113549.1.9.1", ["E"] = "1.2.840.113549.1.9.1",
    };

    /// <summary>The CAs whose subject is <paramref name="text"/>; empty when none is, or the text is no name.</summary>
    public static IReadOnlyList<X509Certificate2> Resolve(string text, X509Certificate2Collection authorities)
    {
        if (Parse(text) is not { Count: > 0 } written)
        {
            return [];
        }

        var reversed = Enumerable.Reverse(written).ToList();
        return [.. authorities.Where(authority => Attributes(authority.SubjectName) is { } subject && (Same(subject, written) || Same(subject, reversed)))];
    }

    /// <summary>(OID, value) of each RDN in encoding order; null for a subject with a multi-valued RDN.</summary>
    private static List<(string Oid, string Value)>? Attributes(X500DistinguishedName name)
    {
        var attributes = new List<(string, string)>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value is not { } oid)
            {
                return null;
            }

            attributes.Add((oid, rdn.GetSingleElementValue() ?? ""));
        }

        return attributes;
    }

    private static bool Same(List<(string Oid, string Value)> a, List<(string Oid, string Value)> b) =>
        a.Count == b.Count && a.Zip(b).All(pair => pair.First.Oid == pair.Second.Oid && string.Equals(pair.First.Value, pair.Second.Value, StringComparison.OrdinalIgnoreCase));

    /// <summary><c>TYPE = value</c> parts separated by unescaped commas (a backslash escapes the next character); null when malformed.</summary>
    private static List<(string Oid, string Value)>? Parse(string text)
    {
        var parts = new List<(string, string)>();
        var current = new StringBuilder();
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
                continue;
            }

            if (i < text.Length && text[i] != ',')
            {
                current.Append(text[i]);
                continue;
            }

            var part = current.ToString();
            current.Clear();
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            var type = part[..equals].Trim();
            var oid = Oids.TryGetValue(type, out var known) ? known : type;
            if (!IsDottedOid(oid))
            {
                return null;
            }

            parts.Add((oid, part[(equals + 1)..].Trim()));
        }

        return parts;
    }

    private static bool IsDottedOid(string text) =>
        text.Split('.') is { Length: >= 2 } arcs && arcs.All(arc => arc.Length > 0 && arc.All(char.IsAsciiDigit));
}
