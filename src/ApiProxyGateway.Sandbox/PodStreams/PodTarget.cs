using ApiProxyGateway.Sandbox.ApiServer;
using ApiProxyGateway.Sandbox.Kubelets;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>
/// The pod, container and kubelet a pod subresource request goes to, resolved as kube-apiserver's pod strategy does
/// (a lone container is the default; otherwise one must be named; the pod must be bound to a node).
/// </summary>
internal sealed record PodTarget(V1Pod Pod, string Container, string NodeName, Uri Kubelet, bool WebSocketsExtended)
{
    /// <summary>The target, or null after writing kube-apiserver's error (404, 400) to the client.</summary>
    public static async Task<PodTarget?> ResolveAsync(HttpContext http, ResourceStore store, SubresourceRequest request, bool needsContainer)
    {
        if (store.Typed.Get<V1Pod>(request.Namespace, request.Name) is not { } pod)
        {
            await ApiResponses.StoreErrorAsync(http, ResourceStoreException.NotFound("pods", request.Name), ResourceCatalog.Pods);
            return null;
        }

        var container = http.Request.Query["container"].ToString();
        if (needsContainer)
        {
            var names = pod.Spec.Containers.Select(c => c.Name).ToList();
            if (container.Length == 0 && names.Count == 1)
            {
                container = names[0];
            }
            else if (container.Length == 0)
            {
                await ApiResponses.BadRequestAsync(http, $"a container name must be specified for pod {pod.Metadata.Name}, choose one of: [{string.Join(' ', names)}]");
                return null;
            }
            else if (!names.Contains(container) && pod.Spec.InitContainers?.Any(c => c.Name == container) != true)
            {
                await ApiResponses.BadRequestAsync(http, $"container {container} is not valid for pod {pod.Metadata.Name}");
                return null;
            }
        }

        if (pod.Spec.NodeName is not { Length: > 0 } nodeName)
        {
            // kube-apiserver: logs of an unscheduled pod are simply empty; streams are a 400.
            if (request.Subresource == "log")
            {
                http.Response.ContentType = "text/plain";
                await http.Response.StartAsync(http.RequestAborted);
            }
            else
            {
                await ApiResponses.BadRequestAsync(http, $"pod {pod.Metadata.Name} does not have a host assigned");
            }

            return null;
        }

        if (store.Typed.Get<V1Node>(null, nodeName) is not { } node || KubeletClient.Location(node) is not { } kubelet)
        {
            await ApiResponses.WriteStatusAsync(http, 500, "InternalError", $"Internal error occurred: node \"{nodeName}\" has no address to reach its kubelet");
            return null;
        }

        return new PodTarget(pod, container, nodeName, kubelet, KubeletFleet.DeclaresExtendedWebSockets(store, nodeName));
    }

    public Uri KubeletUri(string pathAndQuery) => new(Kubelet, pathAndQuery);

    public static string Escaped(string segment) => Uri.EscapeDataString(segment);

    public string PodPath => $"{Escaped(Pod.Metadata.NamespaceProperty)}/{Escaped(Pod.Metadata.Name)}";
}
