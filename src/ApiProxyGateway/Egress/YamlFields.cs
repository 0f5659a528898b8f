using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ApiProxyGateway.Egress;

/// <summary>
/// One YAML mapping read field by field, strictly, as kube-apiserver's strict decoder reads its configuration
/// files: field names match exactly (case included), a field of the wrong shape is an error, and whatever is left
/// unread once the object is done is an unknown field. Errors name the field's path and line.
/// </summary>
internal sealed partial class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly List<string> _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private YamlFields(YamlMappingNode node, string path, List<string> errors)
    {
        _node = node;
        _path = path;
        _errors = errors;
    }

    /// <summary>The mapping at <paramref name="node"/>, null when it is absent or <c>null</c>; an error when it is not a mapping.</summary>
    public static YamlFields? From(YamlNode? node, string path, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                return new YamlFields(mapping, path, errors);
            case YamlScalarNode scalar when IsNull(scalar):
                return null;
            default:
                errors.Add($"{Describe(path, node)}: expected an object, found {Shape(node)}");
                return null;
        }
    }

    /// <summary>A string field; null when absent or <c>null</c>.</summary>
    public string? String(string field)
    {
        var node = Take(field);
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar when IsNull(scalar):
                return null;
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: { } text } when NotAString().IsMatch(text):
                _errors.Add($"{Describe(Child(field), node)}: expected a string, found {text}; quote it");
                return null;
            case YamlScalarNode scalar:
                return scalar.Value ?? "";
            default:
                _errors.Add($"{Describe(Child(field), node)}: expected a string, found {Shape(node)}");
                return null;
        }
    }

    public YamlFields? Object(string field) => From(Take(field), Child(field), _errors);

    /// <summary>A list field, each item with its path; empty when absent or <c>null</c>.</summary>
    public IReadOnlyList<(YamlNode Item, string Path)> List(string field)
    {
        var node = Take(field);
        switch (node)
        {
            case YamlSequenceNode sequence:
                return [.. sequence.Children.Select((item, i) => (item, Child(field) + string.Create(CultureInfo.InvariantCulture, $"[{i}]")))];
            case null:
            case YamlScalarNode scalar when IsNull(scalar):
                return [];
            default:
                _errors.Add($"{Describe(Child(field), node)}: expected a list, found {Shape(node)}");
                return [];
        }
    }

    /// <summary>Reports every field of the mapping that was not read.</summary>
    public void RejectUnknown()
    {
        foreach (var (key, _) in _node.Children)
        {
            var name = key is YamlScalarNode { Value: { } text } ? text : key.ToString();
            if (!_read.Contains(name))
            {
                _errors.Add($"{Describe(Child(name), key)}: unknown field");
            }
        }
    }

    private YamlNode? Take(string field)
    {
        _read.Add(field);
        return _node.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: { } key } && string.Equals(key, field, StringComparison.Ordinal)).Value;
    }

    private string Child(string field) => _path.Length == 0 ? field : $"{_path}.{field}";

    private static string Describe(string path, YamlNode node) =>
        string.Create(CultureInfo.InvariantCulture, $"{path} (line {node.Start.Line})");

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Shape(YamlNode node) => node switch
    {
        YamlMappingNode => "an object",
        YamlSequenceNode => "a list",
        _ => "a value",
    };

    // YAML 1.1 (what kube-apiserver's decoder reads) makes these plain scalars booleans or numbers, not strings.
    [GeneratedRegex(@"^(?:true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+)$")]
    private static partial Regex NotAString();
}
