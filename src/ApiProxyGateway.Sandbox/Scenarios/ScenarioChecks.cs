using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Scenarios;

/// <summary>Checks across documents: duplicates, namespaces, node references and RBAC role references.</summary>
internal static class ScenarioChecks
{
    public static void CheckReferences(string source, SandboxConfig config, IReadOnlyList<ScenarioObject> objects)
    {
        var seen = new Dictionary<(ResourceType, string, string), int>();
        foreach (var item in objects)
        {
            if (seen.TryGetValue((item.Type, item.Namespace, item.Name), out var first))
            {
                throw Error(source, item, "field metadata.name", $"duplicate: {item.Describe()} is already defined in document {first}");
            }

            seen[(item.Type, item.Namespace, item.Name)] = item.Document;
        }

        var namespaces = objects.Where(o => o.Type == ResourceCatalog.Namespaces).Select(o => o.Name).Concat(ScenarioLoader.SystemNamespaces).ToHashSet();
        var nodes = objects.Where(o => o.Type == ResourceCatalog.Nodes).Select(o => o.Name).ToHashSet();
        if (nodes.Count > AddressPlan.MaximumNodes)
        {
            throw new ScenarioException($"{source}: {nodes.Count} nodes: the address plan holds at most {AddressPlan.MaximumNodes}");
        }

        foreach (var item in objects)
        {
            if (item.Type.Namespaced && !namespaces.Contains(item.Namespace))
            {
                throw Error(source, item, "field metadata.namespace", $"namespace \"{item.Namespace}\" is not defined in the scenario");
            }

            if (item.Type == ResourceCatalog.Pods && item.Object["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } node && !nodes.Contains(node))
            {
                throw Error(source, item, "field spec.nodeName", $"node \"{node}\" is not defined in the scenario");
            }

            if (item.Type == ResourceCatalog.RoleBindings || item.Type == ResourceCatalog.ClusterRoleBindings)
            {
                var roleKind = item.Object["roleRef"]?["kind"]?.GetValue<string>();
                var namespaced = item.Type == ResourceCatalog.RoleBindings;
                if (!(roleKind == "ClusterRole" || (namespaced && roleKind == "Role")))
                {
                    throw Error(source, item, "field roleRef.kind", $"unsupported value \"{roleKind}\": supported values: \"ClusterRole\"{(namespaced ? ", \"Role\"" : "")}");
                }
            }
        }

        foreach (var (settings, i) in config.Nodes.Select((n, i) => (n, i)))
        {
            if (!nodes.Contains(settings.Name))
            {
                throw new ScenarioException($"{source}: {SandboxConfig.Kind}: field nodes[{i}].name: node \"{settings.Name}\" is not defined in the scenario");
            }
        }
    }

    private static ScenarioException Error(string source, ScenarioObject item, string field, string problem) =>
        new($"{source}: document {item.Document} ({item.Describe()}): {field}: {problem}");
}
