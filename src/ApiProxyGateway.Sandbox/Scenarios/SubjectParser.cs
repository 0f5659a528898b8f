using System.Formats.Asn1;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>
/// A user's <c>subject</c>: a list of RDNs in encoding order, each a list of attributes, each either
/// <c>{CN: value}</c> (any of CN, O, OU, C, L, ST or a dotted OID as the key; UTF8String) or
/// <c>{type: CN, value: x, string: PrintableString}</c> to choose the ASN.1 string type.
/// </summary>
internal static class SubjectParser
{
    private static readonly string[] LongForm = ["type", "value", "string"];

    public static IReadOnlyList<IReadOnlyList<SubjectPart>> Parse(JsonNode user, string userPath)
    {
        var rdns = new List<IReadOnlyList<SubjectPart>>();
        foreach (var (rdn, rdnPath) in SandboxConfigParser.Items(user, "subject", userPath))
        {
            if (rdn is not JsonArray)
            {
                throw SandboxConfigParser.Field(rdnPath, "an RDN must be a list of attributes, e.g. [{CN: jane}] or [{CN: jane}, {O: dev}]");
            }

            var attributes = new List<SubjectPart>();
            var array = (JsonArray)rdn;
            for (var i = 0; i < array.Count; i++)
            {
                attributes.Add(Attribute(array[i] ?? throw SandboxConfigParser.Field($"{rdnPath}[{i}]", "must not be null"), $"{rdnPath}[{i}]"));
            }

            if (attributes.Count == 0)
            {
                throw SandboxConfigParser.Field(rdnPath, "an RDN needs at least one attribute");
            }

            rdns.Add(attributes);
        }

        return rdns;
    }

    private static SubjectPart Attribute(JsonNode node, string path)
    {
        if (node is not JsonObject attribute)
        {
            throw SandboxConfigParser.Field(path, "an attribute must be a mapping such as {CN: jane}");
        }

        if (attribute.ContainsKey("type"))
        {
            foreach (var (key, _) in attribute)
            {
                if (!LongForm.Contains(key))
                {
                    throw SandboxConfigParser.Field($"{path}.{key}", $"unknown field; an attribute in long form has {string.Join(", ", LongForm)}");
                }
            }

            var type = SandboxConfigParser.StringValue(attribute["type"]!, $"{path}.type");
            var value = attribute["value"] is { } v ? SandboxConfigParser.StringValue(v, $"{path}.value") : throw SandboxConfigParser.Field($"{path}.value", "required");
            var stringType = attribute["string"] is { } s ? StringType(SandboxConfigParser.StringValue(s, $"{path}.string"), $"{path}.string") : UniversalTagNumber.UTF8String;
            return new SubjectPart(type, value, stringType);
        }

        if (attribute.Count != 1)
        {
            throw SandboxConfigParser.Field(path, "a short-form attribute has exactly one key, e.g. {CN: jane}");
        }

        var (name, single) = attribute.First();
        return new SubjectPart(name, SandboxConfigParser.StringValue(single!, $"{path}.{name}"));
    }

    private static UniversalTagNumber StringType(string name, string path) =>
        name switch
        {
            "UTF8String" => UniversalTagNumber.UTF8String,
            "PrintableString" => UniversalTagNumber.PrintableString,
            "IA5String" => UniversalTagNumber.IA5String,
            "BMPString" => UniversalTagNumber.BMPString,
            "T61String" => UniversalTagNumber.T61String,
            "NumericString" => UniversalTagNumber.NumericString,
            "VisibleString" => UniversalTagNumber.VisibleString,
            _ => throw SandboxConfigParser.Field(path, $"unknown string type \"{name}\" (UTF8String, PrintableString, IA5String, BMPString, T61String, NumericString, VisibleString)"),
        };
}
