using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>Reads a SandboxConfig document strictly: unknown fields, missing names and duplicates are errors.</summary>
internal static partial class SandboxConfigParser
{
    public static SandboxConfig Parse(JsonNode document)
    {
        Allow(document, "", "apiVersion", "kind", "metadata", "users", "nodes");
        var users = new List<SandboxUser>();
        foreach (var (item, path) in Items(document, "users"))
        {
            Allow(item, path, "name", "groups", "subject");
            var name = RequiredString(item, path, "name");
            if (!UserName().IsMatch(name))
            {
                throw Field($"{path}.name", $"invalid user name \"{name}\": use letters, digits, '.', '_', '@' or '-' (it names files and contexts)");
            }

            if (users.Any(u => u.Name == name))
            {
                throw Field($"{path}.name", $"duplicate user \"{name}\"");
            }

            var groups = Items(item, "groups", path).Select(g => StringValue(g.Node, g.Path)).ToList();
            var subject = item["subject"] is null ? null : SubjectParser.Parse(item, path);
            if (subject is not null && groups.Count > 0)
            {
                throw Field($"{path}.groups", "a user with a subject takes its groups from the subject's O attributes");
            }

            users.Add(new SandboxUser(name, groups, subject));
        }

        if (users.Count == 0)
        {
            throw Field("users", "at least one user is required");
        }

        var nodes = new List<SandboxNodeSettings>();
        foreach (var (item, path) in Items(document, "nodes"))
        {
            Allow(item, path, NodeSettingsParser.Fields);
            var settings = NodeSettingsParser.Parse(item, path, RequiredString(item, path, "name"));
            if (nodes.Any(n => n.Name == settings.Name))
            {
                throw Field($"{path}.name", $"duplicate node \"{settings.Name}\"");
            }

            nodes.Add(settings);
        }

        return new SandboxConfig(users, nodes);
    }

    internal static IEnumerable<(JsonNode Node, string Path)> Items(JsonNode parent, string field, string parentPath = "")
    {
        var path = parentPath.Length == 0 ? field : $"{parentPath}.{field}";
        switch (parent[field])
        {
            case null:
                yield break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array[i] ?? throw Field($"{path}[{i}]", "must not be null"), $"{path}[{i}]");
                }

                break;
            default:
                throw Field(path, "must be a list");
        }
    }

    private static void Allow(JsonNode node, string path, params string[] fields)
    {
        if (node is not JsonObject obj)
        {
            throw Field(path, "must be a mapping");
        }

        foreach (var (name, _) in obj)
        {
            if (!fields.Contains(name))
            {
                var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
                throw Field(fieldPath, $"unknown field \"{fieldPath}\"");
            }
        }
    }

    private static string RequiredString(JsonNode node, string path, string field)
    {
        var value = node[field] is { } present ? StringValue(present, $"{path}.{field}") : "";
        return value.Length > 0 ? value : throw Field($"{path}.{field}", "required");
    }

    internal static string StringValue(JsonNode node, string path) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Field(path, "must be a string");

    internal static ScenarioException Field(string path, string problem) => new($"field {path}: {problem}");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@-]*$")]
    private static partial Regex UserName();
}
