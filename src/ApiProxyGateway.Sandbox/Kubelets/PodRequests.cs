using ApiProxyGateway.Sandbox.Runtime;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>Finding the pod (and container) a kubelet request names, with the kubelet's answers when it cannot.</summary>
internal static class PodRequests
{
    /// <summary>404 "pod does not exist" for an unknown pod; 404 "pod not found" when the path's UID is not the running pod's.</summary>
    public static async Task<RunningPod?> FindPodAsync(HttpContext http, NodeRuntime runtime, KubeletRoute route)
    {
        if (runtime.Find(route.Namespace, route.Pod) is not { } pod)
        {
            await KubeletResponses.TextAsync(http, 404, "pod does not exist");
            return null;
        }

        if (route.Uid.Length > 0 && route.Uid != pod.Context.Uid)
        {
            await KubeletResponses.TextAsync(http, 404, "pod not found");
            return null;
        }

        return pod;
    }

    /// <summary>As <see cref="FindPodAsync"/>, then the container: the CRI's "container not found" is a 500.</summary>
    public static async Task<(RunningPod Pod, ContainerSupervisor Container)?> FindContainerAsync(HttpContext http, NodeRuntime runtime, KubeletRoute route)
    {
        if (await FindPodAsync(http, runtime, route) is not { } pod)
        {
            return null;
        }

        if (!pod.Containers.TryGetValue(route.Container, out var container))
        {
            await KubeletResponses.TextAsync(http, 500, $"container not found (\"{route.Container}\")");
            return null;
        }

        return (pod, container);
    }
}
