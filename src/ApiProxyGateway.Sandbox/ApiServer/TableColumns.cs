using System.Globalization;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>The printer columns per resource, after kube-apiserver's internalversion printers (a subset of the cells).</summary>
internal static class TableColumns
{
    private const string None = "<none>";

    private static readonly TableColumn Name = new("Name", "Name must be unique within a namespace.", (o, _) => Str(o, "metadata", "name"), Format: "name");
    private static readonly TableColumn Age = new("Age", "CreationTimestamp is a timestamp representing the server time when this object was created.", AgeOf);

    private static readonly Dictionary<ResourceType, TableColumn[]> Columns = new()
    {
        [ResourceCatalog.Pods] =
        [
            Name,
            new("Ready", "The aggregate readiness state of this pod for accepting traffic.", (o, _) => PodPrinting.Ready(o)),
            new("Status", "The aggregate status of the containers in this pod.", (o, _) => PodPrinting.Status(o)),
            new("Restarts", "The number of times the containers in this pod have been restarted.", (o, _) => PodPrinting.Restarts(o)),
            Age,
            new("IP", "IP address allocated to the pod. Routable at least within the cluster.", (o, _) => Str(o, "status", "podIP") ?? None, Priority: 1),
            new("Node", "Name of the Node this pod is assigned to.", (o, _) => Str(o, "spec", "nodeName") ?? None, Priority: 1),
            new("Nominated Node", "Node the pod is nominated to by the scheduler.", (o, _) => Str(o, "status", "nominatedNodeName") ?? None, Priority: 1),
            new("Readiness Gates", "Pod readiness gates.", (o, _) => None, Priority: 1),
        ],
        [ResourceCatalog.Nodes] =
        [
            Name,
            new("Status", "The status of the node", (o, _) => NodePrinting.Status(o)),
            new("Roles", "The roles of the node", (o, _) => NodePrinting.Roles(o)),
            Age,
            new("Version", "Kubelet Version reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "kubeletVersion") ?? ""),
            new("Internal-IP", "List of internal IPs in the node.", (o, _) => NodePrinting.Address(o, "InternalIP"), Priority: 1),
            new("External-IP", "List of external IPs in the node.", (o, _) => NodePrinting.Address(o, "ExternalIP"), Priority: 1),
            new("OS-Image", "OS Image reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "osImage") ?? "<unknown>", Priority: 1),
            new("Kernel-Version", "Kernel Version reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "kernelVersion") ?? "<unknown>", Priority: 1),
            new("Container-Runtime", "Container Runtime Version reported by the node.", (o, _) => Str(o, "status", "nodeInfo", "containerRuntimeVersion") ?? "<unknown>", Priority: 1),
        ],
        [ResourceCatalog.Namespaces] =
        [
            Name,
            new("Status", "The status of the namespace", (o, _) => Str(o, "status", "phase") ?? ""),
            Age,
        ],
        [ResourceCatalog.Services] =
        [
            Name,
            new("Type", "The type of the service.", (o, _) => Str(o, "spec", "type") ?? "ClusterIP"),
            new("Cluster-IP", "The cluster IP of the service.", (o, _) => Str(o, "spec", "clusterIP") ?? None),
            new("External-IP", "The external IP of the service.", (o, _) => None),
            new("Port(s)", "The ports of the service.", (o, _) => ServicePorts(o)),
            Age,
            new("Selector", "Route service traffic to pods with label keys and values matching this selector.", (o, _) => Selector(o), Priority: 1),
        ],
        [ResourceCatalog.ConfigMaps] =
        [
            Name,
            new("Data", "Number of data entries.", (o, _) => ((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0), Type: "integer"),
            Age,
        ],
        [ResourceCatalog.Endpoints] =
        [
            Name,
            new("Endpoints", "Endpoints of the service.", (o, _) => EndpointAddresses(o)),
            Age,
        ],
    };

    private static readonly TableColumn[] Generic = [Name, Age];

    public static IReadOnlyList<TableColumn> For(ResourceType type) => Columns.GetValueOrDefault(type, Generic);

    internal static string? Str(JsonObject obj, params string[] path)
    {
        JsonNode? node = obj;
        foreach (var segment in path)
        {
            node = node?[segment];
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
    }

    private static JsonNode AgeOf(JsonObject obj, DateTimeOffset now) =>
        Str(obj, "metadata", "creationTimestamp") is { } created
            && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? HumanDuration.Format(now - time)
            : "<unknown>";

    private static string ServicePorts(JsonObject service)
    {
        var ports = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => $"{p["port"]}/{Str(p, "protocol") ?? "TCP"}")
            .ToList();
        return ports.Count == 0 ? None : string.Join(",", ports);
    }

    private static string Selector(JsonObject service) =>
        service["spec"]?["selector"] is JsonObject { Count: > 0 } selector
            ? string.Join(",", selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))
            : None;

    private static string EndpointAddresses(JsonObject endpoints)
    {
        var all = (endpoints["subsets"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(subset =>
            (subset["addresses"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(address =>
                (subset["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(port => $"{Str(address, "ip")}:{port["port"]}")))
            .ToList();
        return all.Count switch
        {
            0 => None,
            <= 3 => string.Join(",", all),
            _ => $"{string.Join(",", all.Take(3))} + {all.Count - 3} more...",
        };
    }
}
