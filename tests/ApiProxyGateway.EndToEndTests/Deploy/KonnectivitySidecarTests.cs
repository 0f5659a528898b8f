using k8s;
using k8s.Models;
using static ApiProxyGateway.EndToEndTests.Deploy.DeployPods;

namespace ApiProxyGateway.EndToEndTests.Deploy;

/// <summary>
/// The sidecar shape next to konnectivity-server (deploy/overlays/sidecar-konnectivity/static-pod): the gateway gets
/// the egress selector file kube-apiserver reads and the directory of konnectivity-server's socket, at the paths they
/// have on the node, as "Set up Konnectivity service" (kubernetes.io) lays them out; and rendered against a node set up
/// that way, it shares kube-apiserver's volumes rather than repeating them.
/// </summary>
public sealed class KonnectivitySidecarTests
{
    private const string Shape = "overlays/sidecar-konnectivity/static-pod";

    // The guide's paths and volume names.
    private const string GuideEgressFile = "/etc/kubernetes/egress-selector-configuration.yaml";
    private const string GuideSocketDirectory = "/etc/kubernetes/konnectivity-server";
    private const string GuideEgressVolume = "egress-selector-configuration";
    private const string GuideSocketVolume = "konnectivity-uds";

    [Fact]
    public async Task Gateway_EgressFileAndSocket_AreMountedReadOnlyFromTheirPathsOnTheNode()
    {
        var pod = Assert.Single((await DeployFiles.LoadAsync(Shape)).OfType<V1Pod>()).Spec;
        var gateway = Assert.Single(pod.Containers, container => container.Name == "apiproxygateway");
        var file = Assert.Contains(EgressFiles.Flag, Flags(gateway));
        var (_, udsName) = EgressFiles.ClusterSelection(await File.ReadAllTextAsync(EgressFiles.Example, TestContext.Current.CancellationToken));

        Assert.Equal(GuideEgressFile, file);
        Assert.StartsWith(GuideSocketDirectory + "/", udsName, StringComparison.Ordinal);
        // kube-apiserver and konnectivity-server use these host paths as they are: the gateway must see each at its own path.
        foreach (var (path, type) in new[] { (file, "FileOrCreate"), (udsName, "DirectoryOrCreate") })
        {
            var mount = MountHolding(gateway, path);
            Assert.True(mount is not null, $"the gateway mounts nothing holding {path}");
            var hostPath = Volume(pod, mount).HostPath;
            Assert.True(hostPath is not null, $"{mount.MountPath} is not a host path");
            Assert.Equal((mount.MountPath, type), (hostPath.Path, hostPath.Type));
            Assert.True(mount.ReadOnlyProperty, $"{mount.MountPath} is mounted read-only");
        }

        // The flag rides in command, ahead of the args: its first word must be the image's entry point.
        var entryPoint = Assert.Single(DeployFiles.DockerfileInstructions(), instruction => instruction.Keyword == "ENTRYPOINT").Arguments.Trim('[', ']', '"');
        Assert.Equal(entryPoint, gateway.Command?.FirstOrDefault());
        Assert.NotEmpty(gateway.Args);
    }

    [Fact]
    public async Task ExampleEgressFile_GivenToTheGateway_IsAccepted() =>
        await EgressFiles.AssertAcceptedByTheGatewayAsync(await File.ReadAllTextAsync(EgressFiles.Example, TestContext.Current.CancellationToken));

    [Fact]
    public async Task Rendered_AgainstANodeSetUpForKonnectivity_SharesKubeApiserversFileAndSocketVolumes()
    {
        var copy = Directory.CreateTempSubdirectory("apg-deploy-");
        try
        {
            CopyDirectory(DeployFiles.DeployDirectory, copy.FullName);
            var manifest = Path.Combine(copy.FullName, "overlays", "sidecar", "static-pod", "kube-apiserver.yaml");
            await File.WriteAllTextAsync(manifest, SetUpForKonnectivity(await File.ReadAllTextAsync(manifest, TestContext.Current.CancellationToken)), TestContext.Current.CancellationToken);

            var pod = Assert.Single((await DeployFiles.LoadAsync(Shape, copy.FullName)).OfType<V1Pod>()).Spec;
            var gateway = Assert.Single(pod.Containers, container => container.Name == "apiproxygateway");
            var apiserver = Assert.Single(pod.Containers, container => container.Name == "kube-apiserver");
            var (_, udsName) = EgressFiles.ClusterSelection(await File.ReadAllTextAsync(EgressFiles.Example, TestContext.Current.CancellationToken));

            Assert.Equal(pod.Volumes.Count, pod.Volumes.Select(volume => volume.Name).Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(Assert.Contains(EgressFiles.Flag, Flags(apiserver)), Assert.Contains(EgressFiles.Flag, Flags(gateway)));
            foreach (var path in new[] { GuideEgressFile, udsName })
            {
                var ours = MountHolding(gateway, path);
                var theirs = MountHolding(apiserver, path);
                Assert.True(ours is not null && theirs is not null, $"both containers mount {path}");
                Assert.Equal((theirs.Name, theirs.MountPath), (ours.Name, ours.MountPath));
            }
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    /// <summary>A kubeadm kube-apiserver manifest with what the guide adds: the flag, and the file and socket directory under its volume names.</summary>
    private static string SetUpForKonnectivity(string manifest)
    {
        var pod = KubernetesYaml.Deserialize<V1Pod>(manifest, strict: true);
        var apiserver = Assert.Single(pod.Spec.Containers);
        apiserver.Command.Add($"{EgressFiles.Flag}={GuideEgressFile}");
        apiserver.VolumeMounts.Add(new V1VolumeMount { Name = GuideEgressVolume, MountPath = GuideEgressFile, ReadOnlyProperty = true });
        apiserver.VolumeMounts.Add(new V1VolumeMount { Name = GuideSocketVolume, MountPath = GuideSocketDirectory, ReadOnlyProperty = false });
        pod.Spec.Volumes.Add(new V1Volume { Name = GuideEgressVolume, HostPath = new V1HostPathVolumeSource { Path = GuideEgressFile, Type = "FileOrCreate" } });
        pod.Spec.Volumes.Add(new V1Volume { Name = GuideSocketVolume, HostPath = new V1HostPathVolumeSource { Path = GuideSocketDirectory, Type = "DirectoryOrCreate" } });
        return KubernetesYaml.Serialize(pod);
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!); // ! a path under the target has a directory
            File.Copy(file, destination);
        }
    }
}
