using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace ApiProxyGateway.UnitTests.Architecture;

/// <summary>
/// Which feature namespaces of an assembly (<c>Root.Feature[.Sub]</c>) use which. The compiled metadata says most of
/// it (<see cref="ReferencedTypes"/>); nested and compiler-generated types count for the type that declares them.
/// Constants (event ids, section names, enum members) are copied into the code that uses them and leave no trace
/// there, so uses of a type that declares constants are found in the source: its name followed by a dot, outside
/// comments, which a fully qualified name matches too.
/// </summary>
internal sealed partial class FeatureGraph
{
    private FeatureGraph(Dictionary<(string From, string To), string> edges) => Edges = edges;

    /// <summary>Each use of one feature by another, with one example that says where it comes from.</summary>
    public IReadOnlyDictionary<(string From, string To), string> Edges { get; }

    public IEnumerable<string> Features => Edges.Keys.SelectMany(edge => new[] { edge.From, edge.To }).Distinct(StringComparer.Ordinal);

    /// <summary>Every pair of features that use each other, with an example each way.</summary>
    public IReadOnlyList<string> TwoWay() =>
        [.. Edges.Keys
            .Where(edge => string.CompareOrdinal(edge.From, edge.To) < 0 && Edges.ContainsKey((edge.To, edge.From)))
            .Select(edge => $"{edge.From} ⇄ {edge.To}: {Edges[edge]}; {Edges[(edge.To, edge.From)]}")
            .Order(StringComparer.Ordinal)];

    /// <summary>Every use, one per line, for a failure message.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Edges
        .OrderBy(edge => edge.Key.From, StringComparer.Ordinal).ThenBy(edge => edge.Key.To, StringComparer.Ordinal)
        .Select(edge => $"  {edge.Key.From} → {edge.Key.To} ({edge.Value})"));

    public static FeatureGraph Read(string assemblyPath, string root, string sourceDirectory)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var reader = pe.GetMetadataReader();
        var edges = new Dictionary<(string, string), string>();
        var constantHolders = new Dictionary<string, List<(string Feature, string Type)>>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            if (Name(reader, handle, root) is not { } from)
            {
                continue;
            }

            foreach (var used in ReferencedTypes.Of(pe, reader, handle))
            {
                if (Name(reader, used, root) is { } to && to.Feature != from.Feature)
                {
                    edges.TryAdd((from.Feature, to.Feature), $"{from.Type} → {to.Type}");
                }
            }

            var type = reader.GetTypeDefinition(handle);
            if (!type.IsNested && type.GetFields().Any(field => (reader.GetFieldDefinition(field).Attributes & FieldAttributes.Literal) != 0))
            {
                constantHolders.TryAdd(reader.GetString(type.Name), []);
                constantHolders[reader.GetString(type.Name)].Add(from);
            }
        }

        AddConstantUses(edges, constantHolders, root, sourceDirectory);
        return new FeatureGraph(edges);
    }

    /// <summary>The feature and the (outermost) type's name, or null for a type outside <c>Root.Feature</c>.</summary>
    private static (string Feature, string Type)? Name(MetadataReader reader, TypeDefinitionHandle handle, string root)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            type = reader.GetTypeDefinition(type.GetDeclaringType());
        }

        var ns = reader.GetString(type.Namespace);
        if (!ns.StartsWith(root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var feature = ns[(root.Length + 1)..].Split('.')[0];
        return (feature, $"{feature}.{reader.GetString(type.Name)}");
    }

    private static void AddConstantUses(Dictionary<(string, string), string> edges, Dictionary<string, List<(string Feature, string Type)>> holders, string root, string sourceDirectory)
    {
        // A name declared in two features could be either; such names are left to the metadata.
        var unique = holders.Where(pair => pair.Value.Count == 1).ToDictionary(pair => pair.Key, pair => pair.Value[0], StringComparer.Ordinal);
        var namePattern = new Regex($@"\b({string.Join('|', unique.Keys.Select(Regex.Escape))})\.", RegexOptions.CultureInvariant);
        foreach (var file in Directory.EnumerateFiles(sourceDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var source = Comments().Replace(File.ReadAllText(file), "");
            if (FileNamespace().Match(source) is not { Success: true } declared || !declared.Groups[1].Value.StartsWith(root + ".", StringComparison.Ordinal))
            {
                continue;
            }

            var from = declared.Groups[1].Value[(root.Length + 1)..].Split('.')[0];
            foreach (var used in namePattern.Matches(source).Select(match => unique[match.Groups[1].Value]).Where(used => used.Feature != from))
            {
                edges.TryAdd((from, used.Feature), $"{Path.GetFileName(file)} uses constants of {used.Type}");
            }
        }
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Comments();

    [GeneratedRegex(@"^namespace ([\w.]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex FileNamespace();
}
