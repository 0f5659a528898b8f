using System.Globalization;
using System.Text.Json.Nodes;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>The READY, STATUS and RESTARTS cells of <c>kubectl get pods</c>, after kube-apiserver's pod printer.</summary>
internal static class PodPrinting
{
    public static string Ready(JsonObject pod)
    {
        var total = (pod["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = Statuses(pod).Count(s => s["ready"]?.GetValue<bool>() == true);
        return string.Create(CultureInfo.InvariantCulture, $"{ready}/{total}");
    }

    public static string Status(JsonObject pod)
    {
        var reason = TableColumns.Str(pod, "status", "reason") ?? TableColumns.Str(pod, "status", "phase") ?? "Unknown";
        foreach (var status in Statuses(pod).Reverse())
        {
            if (TableColumns.Str(status, "state", "waiting", "reason") is { } waiting)
            {
                reason = waiting;
            }
            else if (status["state"]?["terminated"] is JsonObject terminated)
            {
                reason = TableColumns.Str(terminated, "reason")
                    ?? (terminated["signal"] is { } signal ? $"Signal:{signal}" : $"ExitCode:{terminated["exitCode"]}");
            }
        }

        return pod["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : reason;
    }

    public static string Restarts(JsonObject pod) =>
        Statuses(pod).Sum(s => s["restartCount"]?.GetValue<int>() ?? 0).ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<JsonObject> Statuses(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>();
}
