using ApiProxyGateway.Kubernetes;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Picks the container a request means, with kube-apiserver's rules and messages: the named one if it exists in
/// any container list, else the one named by the <c>kubectl.kubernetes.io/default-container</c> annotation, else
/// the only container.
/// </summary>
internal static class ContainerSelection
{
    /// <summary>Returns the container name, or throws <see cref="FormatException"/> with the message for a 400.</summary>
    public static string Resolve(PodInfo pod, string? requested)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!string.IsNullOrEmpty(requested))
        {
            return pod.Containers.Concat(pod.InitContainers).Concat(pod.EphemeralContainers).Contains(requested, StringComparer.Ordinal)
                ? requested
                : throw new FormatException($"container {requested} is not valid for pod {pod.Name}");
        }

        if (pod.DefaultContainer is { } annotated && pod.Containers.Contains(annotated, StringComparer.Ordinal))
        {
            return annotated;
        }

        switch (pod.Containers.Count)
        {
            case 1:
                return pod.Containers[0];
            case 0:
                throw new FormatException($"pod {pod.Name} does not have a container");
            default:
                var message = $"a container name must be specified for pod {pod.Name}, choose one of: [{string.Join(" ", pod.Containers)}]";
                if (pod.InitContainers.Count > 0)
                {
                    message += $" or one of the init containers: [{string.Join(" ", pod.InitContainers)}]";
                }

                throw new FormatException(message);
        }
    }
}
