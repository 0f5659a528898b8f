using ApiProxyGateway.Tests.Support;
using k8s.Models;
using YamlDotNet.RepresentationModel;
using static ApiProxyGateway.EndToEndTests.Deploy.DeployPods;

namespace ApiProxyGateway.EndToEndTests.Deploy;

/// <summary>The egress selector files of the deploy/ tree: where each shape's lies, what its cluster selection says, and whether the gateway accepts it.</summary>
internal static class EgressFiles
{
    public const string Flag = "--egress-selector-config-file";

    /// <summary>The sidecar shape's sample of the file kube-apiserver reads.</summary>
    public static string Example => Path.Combine(DeployFiles.DeployDirectory, "examples", "egress-selector-configuration.yaml");

    // How the gateway names the setting in its start-up errors.
    private const string Setting = "Egress:SelectorConfigFile (--egress-selector-config-file)";

    /// <summary>The text of the file the gateway's flag names, from the ConfigMap volume that holds it.</summary>
    public static string InConfigMap(IEnumerable<object> objects, V1PodSpec pod, V1Container gateway)
    {
        var path = Assert.Contains(Flag, Flags(gateway));
        var mount = MountHolding(gateway, path);
        Assert.True(mount is not null, $"{Flag}={path} is not under any volume mount");
        var name = Volume(pod, mount).ConfigMap?.Name;
        Assert.True(name is not null, $"{Flag}={path} is not in a ConfigMap volume");
        var configMap = Assert.Single(objects.OfType<V1ConfigMap>(), configMap => configMap.Metadata.Name == name);
        var key = PathInVolume(mount, path);
        Assert.True(configMap.Data?.ContainsKey(key) == true, $"ConfigMap {name} has no key {key}");
        return configMap.Data[key];
    }

    /// <summary>The <c>cluster</c> selection's proxy protocol and socket.</summary>
    public static (string Protocol, string UdsName) ClusterSelection(string text)
    {
        var selections = Assert.IsType<YamlSequenceNode>(DeployFiles.Parse(text).Children[new YamlScalarNode("egressSelections")]);
        var cluster = Assert.Single(selections.Children.OfType<YamlMappingNode>(), selection => DeployFiles.Scalar(selection, "name") == "cluster");
        var protocol = DeployFiles.Scalar(cluster, "connection", "proxyProtocol");
        var udsName = DeployFiles.Scalar(cluster, "connection", "transport", "uds", "udsName");
        Assert.True(protocol is not null && udsName is not null, "the cluster selection names a proxy protocol and a uds.udsName");
        return (protocol, udsName);
    }

    /// <summary>
    /// Runs the gateway with <see cref="Flag"/> naming <paramref name="text"/> written to a file, and fails if the
    /// gateway finds anything wrong with it. The gateway validates every setting before it starts and reports every
    /// problem at once, so without its other required flags it exits listing those; the file must not be among them.
    /// A copy with a misspelt field must be, which shows this check can fail.
    /// </summary>
    public static async Task AssertAcceptedByTheGatewayAsync(string text)
    {
        Assert.Contains("udsName:", text, StringComparison.Ordinal);
        var directory = Directory.CreateTempSubdirectory("apg-egress-");
        try
        {
            var file = Path.Combine(directory.FullName, "egress-selector-configuration.yaml");
            var broken = Path.Combine(directory.FullName, "misspelt.yaml");
            await File.WriteAllTextAsync(file, text, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(broken, text.Replace("udsName:", "udsname:", StringComparison.Ordinal), TestContext.Current.CancellationToken);

            var (exitCode, stderr) = await GatewayRun.UntilExitAsync($"{Flag}={file}");
            var (_, brokenStderr) = await GatewayRun.UntilExitAsync($"{Flag}={broken}");

            Assert.True(exitCode == 1 && stderr.Contains("cannot start: invalid configuration", StringComparison.Ordinal), $"exit code {exitCode}, stderr:\n{stderr}");
            Assert.DoesNotContain(Setting, stderr, StringComparison.Ordinal);
            Assert.Contains($"{Setting}: '{broken}'", brokenStderr, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
