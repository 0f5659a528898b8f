using System.Globalization;
using System.Text.Json.Nodes;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using k8s.Models;
using YamlDotNet.RepresentationModel;
using static ApiProxyGateway.EndToEndTests.Deploy.DeployPods;

namespace ApiProxyGateway.EndToEndTests.Deploy;

/// <summary>
/// The Deployment shape as several replicas: the pod's termination grace period matches the gateway's drain (preStop,
/// readiness grace, drain period, the host's margin), replicas spread over zones and nodes per revision, the Service
/// has no session affinity, and the autoscaler scales on CPU and on the open streams per replica through the
/// prometheus-adapter rule the examples document.
/// </summary>
[Collection(SourceBuilds.Name)]
public sealed class ReplicaManifestTests
{
    /// <summary>The host's own shutdown timeout is the readiness grace and the drain period and this (Hosting/FrontDoor).</summary>
    private const int HostShutdownMargin = 10;

    public static TheoryData<string> DeploymentShapes => ["overlays/deployment", "overlays/deployment-konnectivity", "overlays/deployment-autoscaling"];

    [Theory]
    [MemberData(nameof(DeploymentShapes))]
    public async Task DeploymentOverlay_TerminationGracePeriod_CoversPreStopReadinessGraceAndDrain(string directory)
    {
        var deployment = Assert.Single((await DeployFiles.LoadAsync(directory)).OfType<V1Deployment>());
        var pod = deployment.Spec.Template.Spec;
        var gateway = Assert.Single(pod.Containers, container => container.Name == "apiproxygateway");
        var flags = Flags(gateway);

        var preStop = gateway.Lifecycle?.PreStop?.Sleep?.Seconds;
        Assert.True(preStop is > 0, $"deploy/{directory}: the gateway has a preStop sleep, so the terminating pod leaves the endpoints before SIGTERM");
        var grace = Seconds(flags, "Shutdown:ReadinessGracePeriod");
        var drain = Seconds(flags, "Shutdown:DrainPeriod");
        Assert.True(grace > 0, "the readiness grace period is what load balancers that check /readyz themselves need");
        Assert.Equal(preStop + grace + drain + HostShutdownMargin, pod.TerminationGracePeriodSeconds);
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Theory]
    [MemberData(nameof(DeploymentShapes))]
    public async Task DeploymentOverlay_Replicas_SpreadOverZonesAndNodesPerRevision(string directory)
    {
        var deployment = Assert.Single((await DeployFiles.LoadAsync(directory)).OfType<V1Deployment>());
        var podLabels = deployment.Spec.Template.Metadata.Labels.ToHashSet();
        var constraints = deployment.Spec.Template.Spec.TopologySpreadConstraints;

        var zone = Assert.Single(constraints, c => c.TopologyKey == "topology.kubernetes.io/zone");
        var node = Assert.Single(constraints, c => c.TopologyKey == "kubernetes.io/hostname");
        Assert.Equal((1, "ScheduleAnyway"), (zone.MaxSkew, zone.WhenUnsatisfiable));
        Assert.Equal((1, "DoNotSchedule"), (node.MaxSkew, node.WhenUnsatisfiable));
        Assert.All(new[] { zone, node }, constraint =>
        {
            Assert.Subset(podLabels, constraint.LabelSelector.MatchLabels.ToHashSet());
            Assert.Contains("pod-template-hash", constraint.MatchLabelKeys);
        });
    }

    [Theory]
    [MemberData(nameof(DeploymentShapes))]
    public async Task DeploymentOverlay_Service_HasNoSessionAffinity(string directory)
    {
        var service = Assert.Single((await DeployFiles.LoadAsync(directory)).OfType<V1Service>(), s => s.Metadata.Name == "apiproxygateway");

        Assert.Equal("None", service.Spec.SessionAffinity);
    }

    [Fact]
    public async Task AutoscalingOverlay_HorizontalPodAutoscaler_ScalesOnCpuAndOpenStreamsPerReplica()
    {
        var objects = await DeployFiles.LoadAsync("overlays/deployment-autoscaling");
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var autoscaler = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
        var rule = AdapterRule();
        var maxStreams = int.Parse(Flags(Assert.Single(deployment.Spec.Template.Spec.Containers))["--Limits:MaxStreams"], CultureInfo.InvariantCulture);

        Assert.Equal(("Deployment", deployment.Metadata.Name), (autoscaler.Spec.ScaleTargetRef.Kind, autoscaler.Spec.ScaleTargetRef.Name));
        Assert.Null(deployment.Spec.Replicas); // the autoscaler's to set: applying the manifests again must not reset it
        Assert.True(autoscaler.Spec.MinReplicas >= 2, "two replicas at least, as the PodDisruptionBudget assumes");
        Assert.True(autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas);
        Assert.Contains(autoscaler.Spec.Metrics, metric => metric.Type == "Resource" && metric.Resource.Name == "cpu" && metric.Resource.Target.AverageUtilization > 0);
        var streams = Assert.Single(autoscaler.Spec.Metrics, metric => metric.Type == "Pods");
        Assert.Equal(DeployFiles.Scalar(rule, "name", "as"), streams.Pods.Metric.Name);
        var target = streams.Pods.Target.AverageValue.ToDecimal();
        Assert.True(target > 0 && target < maxStreams, $"the target of {target} open streams per replica is below the replica's Limits:MaxStreams ({maxStreams})");
        Assert.True(autoscaler.Spec.Behavior.ScaleDown.StabilizationWindowSeconds >= 300, "scaling down ends the removed replica's streams: not on a short dip");

        // The rule reads a series the gateway exports (GatewayMetrics names it with dots; Prometheus with underscores).
        var series = DeployFiles.Scalar(rule, "name", "matches")!.Trim('^', '$'); // ! asserted by the rule's shape below
        Assert.Contains(series, DeployFiles.Scalar(rule, "seriesQuery"), StringComparison.Ordinal);
        var metrics = await File.ReadAllTextAsync(Path.Combine(DeployFiles.RepositoryRoot, "src", "ApiProxyGateway", "Telemetry", "GatewayMetrics.cs"), TestContext.Current.CancellationToken);
        Assert.Contains($"\"{series.Replace('_', '.')}\"", metrics, StringComparison.Ordinal);
    }

    /// <summary>The one custom rule in deploy/examples/prometheus-adapter-rules.yaml.</summary>
    private static YamlMappingNode AdapterRule()
    {
        var values = DeployFiles.Parse(File.ReadAllText(Path.Combine(DeployFiles.DeployDirectory, "examples", "prometheus-adapter-rules.yaml")));
        return (YamlMappingNode)Assert.Single(((YamlSequenceNode)values["rules"]["custom"]).Children);
    }

    /// <summary>A shutdown period in whole seconds: the container's flag if it sets one, else the image's appsettings.json.</summary>
    private static int Seconds(Dictionary<string, string> flags, string setting)
    {
        var value = flags.TryGetValue("--" + setting, out var flag) ? flag
            : (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(DeployFiles.RepositoryRoot, "appsettings", "appsettings.json")))!.AsObject()[setting.Split(':')[0]]?[setting.Split(':')[1]]; // ! the file is JSON
        Assert.NotNull(value);
        return (int)TimeSpan.Parse(value, CultureInfo.InvariantCulture).TotalSeconds;
    }
}
