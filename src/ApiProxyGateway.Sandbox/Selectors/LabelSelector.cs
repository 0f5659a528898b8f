using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ApiProxyGateway.Sandbox.Selectors;

/// <summary>
/// The string form of a label selector as kubectl and client libraries send it in <c>labelSelector=</c>:
/// <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, <c>a&gt;1</c>, comma-separated (AND).
/// </summary>
internal sealed partial class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        return new LabelSelector([.. SplitTopLevel(text).Select(ParseRequirement)]);
    }

    public bool Matches(JsonObject obj)
    {
        if (Requirements.Count == 0)
        {
            return true;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject labelObject)
        {
            foreach (var (key, value) in labelObject)
            {
                labels[key] = value?.GetValue<string>() ?? "";
            }
        }

        return Requirements.All(r => r.Matches(labels));
    }

    private static LabelRequirement ParseRequirement(string term)
    {
        var text = term.Trim();
        if (text.Length == 0)
        {
            throw new SelectorParseException($"unable to parse requirement: found '', expected: identifier");
        }

        if (text.StartsWith('!'))
        {
            return new LabelRequirement(ValidKey(text[1..].Trim()), LabelOperator.DoesNotExist, []);
        }

        if (SetExpression().Match(text) is { Success: true } set)
        {
            var values = set.Groups["values"].Value.Split(',').Select(v => ValidValue(v.Trim())).ToList();
            var op = set.Groups["op"].Value == "in" ? LabelOperator.In : LabelOperator.NotIn;
            return new LabelRequirement(ValidKey(set.Groups["key"].Value), op, values);
        }

        foreach (var (token, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals), (">", LabelOperator.GreaterThan), ("<", LabelOperator.LessThan) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var value = text[(at + token.Length)..].Trim();
            if (op is LabelOperator.GreaterThan or LabelOperator.LessThan && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw new SelectorParseException($"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: {value}");
            }

            return new LabelRequirement(ValidKey(text[..at].Trim()), op, [ValidValue(value)]);
        }

        return new LabelRequirement(ValidKey(text), LabelOperator.Exists, []);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static string ValidKey(string key) => LabelKey().IsMatch(key)
        ? key
        : throw new SelectorParseException($"unable to parse requirement: invalid label key \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");

    private static string ValidValue(string value) => LabelValue().IsMatch(value)
        ? value
        : throw new SelectorParseException($"unable to parse requirement: invalid label value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");

    [GeneratedRegex(@"^(?<key>\S+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$")]
    private static partial Regex SetExpression();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")]
    private static partial Regex LabelValue();
}
