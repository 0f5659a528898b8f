using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>The STATUS, ROLES and address cells of <c>kubectl get nodes</c>, after kube-apiserver's node printer.</summary>
internal static class NodePrinting
{
    private const string RolePrefix = "node-role.kubernetes.io/";

    public static string Status(JsonObject node)
    {
        var ready = (node["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(c => TableColumns.Str(c, "type") == "Ready");
        var status = ready is null ? "Unknown" : TableColumns.Str(ready, "status") == "True" ? "Ready" : "NotReady";
        return node["spec"]?["unschedulable"]?.GetValue<bool>() == true ? $"{status},SchedulingDisabled" : status;
    }

    public static string Roles(JsonObject node)
    {
        var roles = (node["metadata"]?["labels"] as JsonObject ?? [])
            .Select(kv => kv.Key)
            .Where(k => k.StartsWith(RolePrefix, StringComparison.Ordinal) && k.Length > RolePrefix.Length)
            .Select(k => k[RolePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    public static string Address(JsonObject node, string type)
    {
        var addresses = (node["status"]?["addresses"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(a => TableColumns.Str(a, "type") == type)
            .Select(a => TableColumns.Str(a, "address"))
            .ToList();
        return addresses.Count == 0 ? "<none>" : string.Join(",", addresses);
    }
}
