using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Scenarios;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>
/// /version and the legacy (unaggregated) discovery documents. The aggregated-discovery Accept types are answered
/// with these plain <c>application/json</c> documents; client-go sees the content type and falls back.
/// </summary>
internal static class DiscoveryDocuments
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "35",
        ["emulationMajor"] = "1",
        ["emulationMinor"] = "35",
        ["minCompatibilityMajor"] = "1",
        ["minCompatibilityMinor"] = "34",
        ["gitVersion"] = ScenarioMaterializer.KubernetesVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-12-17T00:00:00Z",
        ["goVersion"] = "go1.25.5",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject ApiGroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. ResourceCatalog.GroupVersions.Select(gv => Group(gv.Group, gv.Version))]),
    };

    public static JsonObject? ApiGroup(string group)
    {
        var version = ResourceCatalog.GroupVersions.FirstOrDefault(gv => gv.Group == group).Version;
        if (version is null)
        {
            return null;
        }

        var document = Group(group, version);
        document["kind"] = "APIGroup";
        document["apiVersion"] = "v1";
        return document;
    }

    public static JsonObject? ResourceList(string group, string version)
    {
        var types = ResourceCatalog.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var type in types)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = Strings(type.Verbs),
            };
            if (type.ShortNames.Count > 0)
            {
                resource["shortNames"] = Strings(type.ShortNames);
            }

            if (type.Categories.Count > 0)
            {
                resource["categories"] = Strings(type.Categories);
            }

            resources.Add(resource);
            foreach (var subresource in type.Subresources)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{type.Plural}/{subresource}",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = SubresourceKind(type, subresource),
                    ["verbs"] = Strings(SubresourceVerbs(subresource)),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Group(string group, string version)
    {
        var groupVersion = new JsonObject { ["groupVersion"] = $"{group}/{version}", ["version"] = version };
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray(groupVersion),
            ["preferredVersion"] = groupVersion.DeepClone(),
        };
    }

    private static string SubresourceKind(ResourceType type, string subresource) => subresource switch
    {
        "exec" or "attach" or "portforward" => "PodExecOptions",
        "log" => "Pod",
        "proxy" => type.Kind + "ProxyOptions",
        "binding" => "Binding",
        "eviction" => "Eviction",
        _ => type.Kind,
    };

    private static string[] SubresourceVerbs(string subresource) => subresource switch
    {
        "exec" or "attach" or "portforward" => ["create", "get"],
        "log" => ["get"],
        "proxy" => ["create", "delete", "get", "patch", "update"],
        "binding" or "eviction" => ["create"],
        "finalize" => ["update"],
        _ => ["get", "patch", "update"],
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
