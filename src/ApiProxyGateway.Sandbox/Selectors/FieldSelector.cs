using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Selectors;

/// <summary>
/// The <c>fieldSelector=</c> query parameter: comma-separated <c>field=value</c>, <c>field==value</c>, <c>field!=value</c>,
/// with <c>\,</c> <c>\=</c> <c>\\</c> escapes. Only the fields kube-apiserver supports for the resource are accepted.
/// </summary>
internal sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public static FieldSelector Everything { get; } = new([]);

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<FieldRequirement>();
        foreach (var term in SplitUnescaped(text, ','))
        {
            var (field, equal, value) = SplitTerm(term);
            if (!ObjectFields.Supports(type, field))
            {
                throw new SelectorParseException($"field label not supported: {field}");
            }

            requirements.Add(new FieldRequirement(field, equal, value));
        }

        return new FieldSelector(requirements);
    }

    /// <summary>The single <c>metadata.name=x</c> value, which kube-apiserver treats as the request's name for authorization.</summary>
    public string? RequiredName =>
        Requirements.Count == 1 && Requirements[0] is { Field: "metadata.name", Equal: true } only ? only.Value : null;

    public bool Matches(ResourceType type, JsonObject obj) =>
        Requirements.All(r => (ObjectFields.Get(type, obj, r.Field) == r.Value) == r.Equal);

    private static (string Field, bool Equal, string Value) SplitTerm(string term)
    {
        foreach (var (token, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = IndexOfUnescaped(term, token);
            if (at >= 0)
            {
                return (Unescape(term[..at].Trim()), equal, Unescape(term[(at + token.Length)..]));
            }
        }

        throw new SelectorParseException($"invalid selector: '{term}'; can't understand '{term}'");
    }

    private static int IndexOfUnescaped(string text, string token)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> SplitUnescaped(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }
}
