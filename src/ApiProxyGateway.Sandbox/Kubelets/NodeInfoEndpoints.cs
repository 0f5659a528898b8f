using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary><c>/pods</c>, <c>/runningpods/</c>, <c>/healthz</c>, <c>/metrics</c>, <c>/stats/summary</c> and <c>/configz</c>: small but real answers.</summary>
internal sealed class NodeInfoEndpoints(KubeletContext kubelet)
{
    public Task HandleAsync(HttpContext http, KubeletRoute route)
    {
        if (http.Request.Method != "GET" && route.Endpoint != KubeletEndpoint.Stats)
        {
            return KubeletResponses.TextAsync(http, 405, "405: Method Not Allowed");
        }

        return route.Endpoint switch
        {
            KubeletEndpoint.Pods or KubeletEndpoint.RunningPods => JsonAsync(http, PodList()),
            KubeletEndpoint.Healthz => KubeletResponses.TextAsync(http, 200, "ok"),
            KubeletEndpoint.Metrics => MetricsAsync(http),
            KubeletEndpoint.Configz => JsonAsync(http, new JsonObject { ["kubeletconfig"] = new JsonObject { ["port"] = 10250, ["streamingConnectionIdleTimeout"] = "4h0m0s" } }),
            _ => http.Request.Path.Value is "/stats/summary" or "/stats/summary/" ? JsonAsync(http, Summary()) : KubeletResponses.TextAsync(http, 404, "404 page not found"),
        };
    }

    private List<V1Pod> Pods() => [.. kubelet.Store.Typed.List<V1Pod>().Where(p => p.Spec?.NodeName == kubelet.NodeName)];

    private JsonObject PodList() => new()
    {
        ["kind"] = "PodList",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray([.. Pods().Select(p => (JsonNode)TypedResourceStore.ToJson(p))]),
    };

    private JsonObject Summary()
    {
        var now = kubelet.TimeProvider.GetUtcNow().UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        var pods = new JsonArray();
        foreach (var pod in kubelet.Runtime.Pods)
        {
            pods.Add(new JsonObject
            {
                ["podRef"] = new JsonObject { ["name"] = pod.Context.Name, ["namespace"] = pod.Context.Namespace, ["uid"] = pod.Context.Uid },
                ["startTime"] = now,
                ["containers"] = new JsonArray([.. pod.Containers.Values.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["startTime"] = c.Current?.StartedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture) })]),
            });
        }

        return new JsonObject { ["node"] = new JsonObject { ["nodeName"] = kubelet.NodeName, ["startTime"] = now }, ["pods"] = pods };
    }

    private Task MetricsAsync(HttpContext http)
    {
        var pods = kubelet.Runtime.Pods;
        var running = pods.Sum(p => p.Containers.Values.Count(c => c.Current is not null));
        var text = new StringBuilder()
            .Append("# HELP kubelet_running_pods Number of pods that have a running pod sandbox\n# TYPE kubelet_running_pods gauge\n")
            .Append(CultureInfo.InvariantCulture, $"kubelet_running_pods {pods.Count}\n")
            .Append("# HELP kubelet_running_containers Number of containers currently running\n# TYPE kubelet_running_containers gauge\n")
            .Append(CultureInfo.InvariantCulture, $"kubelet_running_containers{{container_state=\"running\"}} {running}\n");
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return http.Response.WriteAsync(text.ToString(), http.RequestAborted);
    }

    private static async Task JsonAsync(HttpContext http, JsonObject body)
    {
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
