using k8s.Models;

namespace ApiProxyGateway.EndToEndTests.Deploy;

/// <summary>What the deploy tests read from rendered pods: pod specs, containers' flags and mounts, and the lockdown every container shares.</summary>
internal static class DeployPods
{
    public static IEnumerable<V1PodSpec> PodSpecs(IEnumerable<object> objects) =>
        objects.OfType<V1Pod>().Select(pod => pod.Spec).Concat(objects.OfType<V1Deployment>().Select(deployment => deployment.Spec.Template.Spec))
            .Concat(objects.OfType<V1DaemonSet>().Select(daemonSet => daemonSet.Spec.Template.Spec));

    /// <summary>
    /// The container's flags as <c>--name</c> to value ("" for a flag without one): its args, after the flags its
    /// command passes to the entry point (command[0]) when it has a command. A flag given twice fails.
    /// </summary>
    public static Dictionary<string, string> Flags(V1Container container)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parts in (container.Command ?? []).Skip(1).Concat(container.Args ?? []).Select(argument => argument.Split('=', 2)))
        {
            Assert.True(flags.TryAdd(parts[0], parts.Length > 1 ? parts[1] : ""), $"container {container.Name} has {parts[0]} twice");
        }

        return flags;
    }

    /// <summary>The mount whose directory holds <paramref name="path"/> (the deepest one), or that is the file itself.</summary>
    public static V1VolumeMount? MountHolding(V1Container container, string path) =>
        container.VolumeMounts.Where(mount => path == mount.MountPath || path.StartsWith(mount.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal))
            .MaxBy(mount => mount.MountPath.Length);

    /// <summary>The volume that <paramref name="mount"/> mounts; it must exist.</summary>
    public static V1Volume Volume(V1PodSpec pod, V1VolumeMount mount) => Assert.Single(pod.Volumes, volume => volume.Name == mount.Name);

    /// <summary>Where <paramref name="path"/> lies within the volume that <paramref name="mount"/> mounts ("" for the mount itself).</summary>
    public static string PathInVolume(V1VolumeMount mount, string path) => path == mount.MountPath ? "" : path[(mount.MountPath.TrimEnd('/').Length + 1)..];

    /// <summary>The container port <paramref name="port"/> stands for (a name or a number).</summary>
    public static int ContainerPort(V1Container container, IntOrString port) =>
        int.TryParse(port.Value, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number
            : Assert.Single(container.Ports ?? [], candidate => candidate.Name == port.Value).ContainerPort;

    /// <summary>
    /// No privilege, no privilege escalation, no capabilities, a read-only root filesystem, RuntimeDefault seccomp
    /// (the container's or the pod's), CPU and memory requested and limited, and an image pinned to a tag or digest.
    /// </summary>
    public static void AssertLockedDown(V1PodSpec pod, V1Container container)
    {
        var security = container.SecurityContext;
        Assert.NotEqual(true, security.Privileged);
        Assert.False(security.AllowPrivilegeEscalation, $"{container.Name}: allowPrivilegeEscalation: false");
        Assert.True(security.ReadOnlyRootFilesystem, $"{container.Name}: readOnlyRootFilesystem: true");
        Assert.Contains("ALL", security.Capabilities.Drop);
        Assert.True(security.Capabilities.Add is null or { Count: 0 }, $"{container.Name}: no added capabilities");
        Assert.Equal("RuntimeDefault", (security.SeccompProfile ?? pod.SecurityContext?.SeccompProfile)?.Type);
        Assert.Subset(container.Resources.Requests.Keys.ToHashSet(), Set("cpu", "memory"));
        Assert.Subset(container.Resources.Limits.Keys.ToHashSet(), Set("cpu", "memory"));
        Assert.DoesNotMatch(@"(:latest|^[^:@]+)$", container.Image);
    }

    public static HashSet<string> Set(params string[] items) => new(items, StringComparer.Ordinal);
}
