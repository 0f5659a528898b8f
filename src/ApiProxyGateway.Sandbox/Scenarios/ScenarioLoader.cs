using System.Text.Json;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Store;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>
/// Loads a scenario: a multi-document YAML file of Kubernetes objects plus one SandboxConfig document. Every error
/// names the file, the document (1-based index, kind and name) and the field.
/// </summary>
internal static class ScenarioLoader
{
    /// <summary>Namespaces kube-apiserver always creates; scenario objects may live in them without declaring them.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private const string DefaultResourceName = "ApiProxyGateway.Sandbox.default-scenario.yaml";

    public static string DefaultScenarioText()
    {
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static Scenario LoadDefault() => Load(DefaultScenarioText(), "built-in default scenario");

    public static Scenario LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read the scenario file: {e.Message}", e);
        }

        return Load(text, path);
    }

    public static Scenario Load(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ScenarioException($"{source}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        SandboxConfig? config = null;
        var objects = new List<ScenarioObject>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var index = i + 1;
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue; // an empty document, e.g. after a trailing "---"
            }

            try
            {
                if (LoadDocument(root) is { } loaded)
                {
                    objects.Add(new ScenarioObject(index, loaded.Type, loaded.Object));
                }
                else
                {
                    config = config is null
                        ? SandboxConfigParser.Parse(YamlToJson.Convert(root)!) // ! LoadDocument checked it is a mapping
                        : throw new ScenarioException($"only one {SandboxConfig.Kind} document is allowed");
                }
            }
            catch (Exception e) when (e is ScenarioException or ModelValidationException)
            {
                throw new ScenarioException($"{source}: document {index} ({Describe(root)}): {e.Message}", e);
            }
        }

        if (config is null)
        {
            throw new ScenarioException($"{source}: no {SandboxConfig.ApiVersion} {SandboxConfig.Kind} document: a scenario needs at least one user");
        }

        ScenarioChecks.CheckReferences(source, config, objects);
        return new Scenario(source, config, objects);
    }

    /// <summary>Validates one document; null means it is the SandboxConfig.</summary>
    private static (ResourceType Type, JsonObject Object)? LoadDocument(YamlNode root)
    {
        if (YamlToJson.Convert(root) is not JsonObject document)
        {
            throw new ScenarioException("a document must be a mapping with apiVersion and kind");
        }

        var apiVersion = RequiredString(document, "apiVersion");
        var kind = RequiredString(document, "kind");
        if (apiVersion == SandboxConfig.ApiVersion && kind == SandboxConfig.Kind)
        {
            return null;
        }

        var type = ResourceCatalog.FindByKind(apiVersion, kind) is { Modeled: true } found
            ? found
            : throw new ScenarioException($"field kind: unsupported kind \"{kind}\" in apiVersion \"{apiVersion}\"; a scenario may contain {SupportedKinds()} and one {SandboxConfig.Kind}");
        var validated = ModelValidator.Validate(type, document);
        var metadata = validated["metadata"] as JsonObject ?? throw new ScenarioException("field metadata: required");
        if (metadata["name"]?.GetValue<string>() is not { Length: > 0 })
        {
            throw new ScenarioException("field metadata.name: required");
        }

        var @namespace = metadata["namespace"]?.GetValue<string>();
        if (type.Namespaced && string.IsNullOrEmpty(@namespace))
        {
            metadata["namespace"] = "default"; // what kubectl apply does without -n
        }
        else if (!type.Namespaced && !string.IsNullOrEmpty(@namespace))
        {
            throw new ScenarioException($"field metadata.namespace: must not be set: {kind} is cluster-scoped");
        }

        return (type, validated);
    }

    private static string RequiredString(JsonObject document, string field) =>
        document[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0
            ? value.GetValue<string>()
            : throw new ScenarioException($"field {field}: required");

    private static string Describe(YamlNode root)
    {
        if (root is not YamlMappingNode mapping)
        {
            return "not a mapping";
        }

        var kind = Scalar(mapping, "kind") ?? "no kind";
        var metadata = mapping.Children.TryGetValue(new YamlScalarNode("metadata"), out var node) ? node as YamlMappingNode : null;
        var name = metadata is null ? null : Scalar(metadata, "name");
        var @namespace = metadata is null ? null : Scalar(metadata, "namespace");
        return name is null ? kind : @namespace is null ? $"{kind} {name}" : $"{kind} {@namespace}/{name}";
    }

    private static string? Scalar(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;

    private static string SupportedKinds() =>
        string.Join(", ", ResourceCatalog.All.Where(t => t.Modeled).Select(t => t.Kind));
}
