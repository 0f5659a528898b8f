using System.Text.Json;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Selectors;

/// <summary>
/// The selectable fields per resource, as kube-apiserver's registries define them (every resource has metadata.name
/// and metadata.namespace; pods, events, nodes, namespaces and services add their own). A missing value reads as
/// Go's zero value ("" or "false").
/// </summary>
internal static class ObjectFields
{
    private static readonly string[] Common = ["metadata.name", "metadata.namespace"];

    private static readonly Dictionary<ResourceType, string[]> Extra = new()
    {
        [ResourceCatalog.Pods] =
        [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
            "status.phase", "status.podIP", "status.nominatedNodeName",
        ],
        [ResourceCatalog.Events] =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
        [ResourceCatalog.Nodes] = ["spec.unschedulable"],
        [ResourceCatalog.Namespaces] = ["status.phase"],
        [ResourceCatalog.Services] = ["spec.clusterIP", "spec.type"],
    };

    private static readonly HashSet<string> BooleanFields = ["spec.hostNetwork", "spec.unschedulable"];

    public static bool Supports(ResourceType type, string field) =>
        Common.Contains(field) || (Extra.TryGetValue(type, out var fields) && fields.Contains(field));

    public static string Get(ResourceType type, JsonObject obj, string field)
    {
        if (ReferenceEquals(type, ResourceCatalog.Events) && field == "source")
        {
            return obj["source"]?["component"]?.GetValue<string>() ?? "";
        }

        JsonNode? node = obj;
        foreach (var segment in field.Split('.'))
        {
            node = node?[segment];
        }

        return node switch
        {
            null => BooleanFields.Contains(field) ? "false" : "",
            JsonValue value when value.GetValueKind() is JsonValueKind.True => "true",
            JsonValue value when value.GetValueKind() is JsonValueKind.False => "false",
            _ => node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(),
        };
    }
}
