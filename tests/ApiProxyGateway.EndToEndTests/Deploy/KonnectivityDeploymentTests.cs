using System.Globalization;
using k8s;
using k8s.Models;
using static ApiProxyGateway.EndToEndTests.Deploy.DeployPods;

namespace ApiProxyGateway.EndToEndTests.Deploy;

/// <summary>
/// The Deployment shape with konnectivity-server beside the gateway (deploy/overlays/deployment-konnectivity): both
/// meet at the socket the gateway's egress selector file names, the gateway accepts that file, konnectivity-server's
/// flags agree with the Deployment, its Service and the agents' example, and the RBAC adds TokenReviews only.
/// </summary>
public sealed class KonnectivityDeploymentTests
{
    private const string Shape = "overlays/deployment-konnectivity";

    // proxy-server's and proxy-agent's own flags at the images' version, v0.33.0 (cmd/server/app/options/options.go and
    // cmd/agent/app/options/options.go of kubernetes-sigs/apiserver-network-proxy); both refuse unknown flags. (klog's
    // flags are accepted as well; these manifests use none.)
    private static readonly HashSet<string> ServerFlags = Set(
        "--server-cert", "--server-key", "--server-ca-cert", "--cluster-cert", "--cluster-key", "--cluster-ca-cert", "--mode",
        "--uds-name", "--delete-existing-uds-file", "--server-port", "--server-bind-address", "--agent-port", "--agent-bind-address",
        "--admin-port", "--admin-bind-address", "--health-port", "--health-bind-address", "--keepalive-time", "--frontend-keepalive-time",
        "--enable-profiling", "--enable-contention-profiling", "--server-id", "--server-count", "--agent-namespace",
        "--agent-service-account", "--kubeconfig", "--kubeconfig-qps", "--kubeconfig-burst", "--kube-api-content-type",
        "--authentication-audience", "--proxy-strategies", "--cipher-suites", "--xfr-channel-size", "--enable-lease-controller",
        "--lease-namespace", "--lease-label");

    private static readonly HashSet<string> AgentFlags = Set(
        "--agent-cert", "--agent-key", "--ca-cert", "--proxy-server-host", "--proxy-server-port", "--alpn-proto", "--health-server-host",
        "--health-server-port", "--admin-server-port", "--admin-bind-address", "--enable-profiling", "--enable-contention-profiling",
        "--agent-id", "--sync-interval", "--probe-interval", "--sync-interval-cap", "--keepalive-time", "--service-account-token-path",
        "--agent-identifiers", "--warn-on-channel-limit", "--sync-forever", "--xfr-channel-size", "--count-server-leases",
        "--lease-namespace", "--lease-label", "--server-count-source", "--kubeconfig", "--kube-api-content-type");

    [Fact]
    public async Task GatewayAndKonnectivityServer_SocketInTheEgressFile_IsWhereTheServerListensInAVolumeBothMount()
    {
        var (objects, _, pod, gateway, server) = await LoadAsync();
        var (protocol, udsName) = EgressFiles.ClusterSelection(EgressFiles.InConfigMap(objects, pod, gateway));
        var listen = Flag(server, "--uds-name");

        var dialled = MountHolding(gateway, udsName);
        var listened = MountHolding(server, listen);
        Assert.True(dialled is not null, $"the gateway mounts nothing holding the udsName {udsName}");
        Assert.True(listened is not null, $"konnectivity-server mounts nothing holding its --uds-name {listen}");
        Assert.Equal(dialled.Name, listened.Name);
        Assert.NotNull(Volume(pod, dialled).EmptyDir);
        Assert.Equal(PathInVolume(dialled, udsName), PathInVolume(listened, listen));
        Assert.True(dialled.ReadOnlyProperty, "the gateway only connects to the socket");
        Assert.NotEqual(true, listened.ReadOnlyProperty);

        Assert.Equal(protocol switch { "GRPC" => "grpc", "HTTPConnect" => "http-connect", _ => $"(no mode serves {protocol})" }, Flag(server, "--mode"));
        Assert.Equal("0", Flag(server, "--server-port"));
        // A native sidecar: listening before the gateway starts, stopped only after the gateway has drained.
        Assert.Equal("Always", server.RestartPolicy);
        Assert.Equal("/healthz", server.StartupProbe?.HttpGet?.Path);
    }

    [Fact]
    public async Task EgressFileInTheConfigMap_GivenToTheGateway_IsAccepted()
    {
        var (objects, _, pod, gateway, _) = await LoadAsync();

        await EgressFiles.AssertAcceptedByTheGatewayAsync(EgressFiles.InConfigMap(objects, pod, gateway));
    }

    [Fact]
    public async Task KonnectivityServer_Flags_AreItsOwnAndAgreeWithTheDeploymentAndTheAgentsService()
    {
        var (objects, deployment, pod, _, server) = await LoadAsync();
        var flags = Flags(server);

        Assert.All(flags.Keys, flag => Assert.True(ServerFlags.Contains(flag), $"proxy-server v0.33.0 has no flag {flag}"));
        Assert.Equal(deployment.Spec.Replicas?.ToString(CultureInfo.InvariantCulture), Flag(server, "--server-count"));

        var service = AgentService(objects);
        Assert.Equal(Flag(server, "--agent-port"), Number(ContainerPort(server, Assert.Single(service.Spec.Ports).TargetPort)));
        Assert.Subset(deployment.Spec.Template.Metadata.Labels.ToHashSet(), service.Spec.Selector.ToHashSet());
        Assert.True(service.Spec.PublishNotReadyAddresses, "agents reach a server before its gateway is ready");
        Assert.All(new[] { server.StartupProbe, server.LivenessProbe, server.ReadinessProbe }, probe =>
            Assert.Equal(("/healthz", Flag(server, "--health-port")), (probe?.HttpGet?.Path, Number(ContainerPort(server, probe!.HttpGet.Port))))); // ! a null probe fails the path first

        // The agent-facing certificate from a Secret; agents authenticated by token, through the pod's service account.
        foreach (var flag in new[] { "--cluster-cert", "--cluster-key" })
        {
            var mount = MountHolding(server, Flag(server, flag));
            Assert.True(mount is { ReadOnlyProperty: true } && Volume(pod, mount).Secret is not null, $"{flag} is in a Secret mounted read-only");
        }

        Assert.All(new[] { "--agent-namespace", "--agent-service-account", "--authentication-audience" }, flag => Assert.NotEqual("", Flag(server, flag)));
        Assert.DoesNotContain("--cluster-ca-cert", flags.Keys); // proxy-server refuses it beside token authentication
        Assert.Equal("", flags.GetValueOrDefault("--kubeconfig", ""));
        Assert.NotEqual(false, pod.AutomountServiceAccountToken);

        AssertLockedDown(pod, server);
        Assert.True(server.SecurityContext.RunAsNonRoot ?? pod.SecurityContext.RunAsNonRoot, "konnectivity-server runs as non-root");
        Assert.NotEqual(0, server.SecurityContext.RunAsUser ?? pod.SecurityContext.RunAsUser);
        Assert.StartsWith("registry.k8s.io/kas-network-proxy/proxy-server:v", server.Image, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rbac_ComparedWithTheDeploymentShape_AddsOnlyAuthDelegatorForThePodsServiceAccount()
    {
        var plain = await DeployFiles.LoadAsync("overlays/deployment");
        var (objects, deployment, pod, _, _) = await LoadAsync();

        // system:auth-delegator: create tokenreviews, and create subjectaccessreviews, which the gateway's role has already.
        var plainBindings = plain.OfType<V1ClusterRoleBinding>().Select(binding => binding.Metadata.Name).ToHashSet();
        var added = Assert.Single(objects.OfType<V1ClusterRoleBinding>(), binding => !plainBindings.Contains(binding.Metadata.Name));
        Assert.Equal(("ClusterRole", "system:auth-delegator"), (added.RoleRef.Kind, added.RoleRef.Name));
        var subject = Assert.Single(added.Subjects);
        Assert.Equal(("ServiceAccount", pod.ServiceAccountName, deployment.Metadata.NamespaceProperty), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.Equal(plainBindings.Count + 1, objects.OfType<V1ClusterRoleBinding>().Count());
        Assert.Equal(Names(plain.OfType<V1ClusterRole>()), Names(objects.OfType<V1ClusterRole>()));
        Assert.Empty(objects.OfType<V1Role>());
        Assert.Empty(objects.OfType<V1RoleBinding>());
    }

    [Fact]
    public async Task AgentExample_Flags_ReachTheServersServiceWithTheIdentityTheServersAccept()
    {
        var (objects, _, _, _, server) = await LoadAsync();
        var example = KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(Path.Combine(DeployFiles.DeployDirectory, "examples", "konnectivity-agent.yaml"), TestContext.Current.CancellationToken), strict: true);
        var daemonSet = Assert.Single(example.OfType<V1DaemonSet>());
        var account = Assert.Single(example.OfType<V1ServiceAccount>());
        var pod = daemonSet.Spec.Template.Spec;
        var agent = Assert.Single(pod.Containers);
        var flags = Flags(agent);
        var service = AgentService(objects);

        Assert.All(flags.Keys, flag => Assert.True(AgentFlags.Contains(flag), $"proxy-agent v0.33.0 has no flag {flag}"));
        Assert.Equal($"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc", Flag(agent, "--proxy-server-host"));
        Assert.Equal(Number(Assert.Single(service.Spec.Ports).Port), Flag(agent, "--proxy-server-port"));
        Assert.NotNull(MountHolding(agent, Flag(agent, "--ca-cert")));

        // Who the agent is: the account in the namespace, and a token for the audience, that konnectivity-server accepts.
        Assert.Equal((Flag(server, "--agent-namespace"), Flag(server, "--agent-service-account")), (daemonSet.Metadata.NamespaceProperty, pod.ServiceAccountName));
        Assert.Equal((pod.ServiceAccountName, daemonSet.Metadata.NamespaceProperty), (account.Metadata.Name, account.Metadata.NamespaceProperty));
        var tokenPath = Flag(agent, "--service-account-token-path");
        var tokenMount = MountHolding(agent, tokenPath);
        Assert.True(tokenMount is not null, $"--service-account-token-path={tokenPath} is not under any volume mount");
        var token = Assert.Single(Volume(pod, tokenMount).Projected.Sources, source => source.ServiceAccountToken?.Path == PathInVolume(tokenMount, tokenPath)).ServiceAccountToken;
        Assert.Equal(Flag(server, "--authentication-audience"), token.Audience);
        Assert.Equal(false, pod.AutomountServiceAccountToken);

        // The servers' destHost strategy finds a node's agent by the address it announces.
        Assert.Contains("destHost", Flag(server, "--proxy-strategies").Split(','));
        Assert.Equal("ipv4=$(HOST_IP)", Flag(agent, "--agent-identifiers"));
        Assert.Equal("status.hostIP", Assert.Single(agent.Env, variable => variable.Name == "HOST_IP").ValueFrom.FieldRef.FieldPath);
        Assert.Contains("--sync-forever", flags.Keys);
        Assert.Equal(Flag(agent, "--health-server-port"), Number(agent.ReadinessProbe.HttpGet.Port));
        Assert.Equal(Flag(agent, "--health-server-port"), Number(agent.LivenessProbe.HttpGet.Port));
        Assert.Equal(server.Image.Split(':')[^1], agent.Image.Split(':')[^1]);

        AssertLockedDown(pod, agent);
        Assert.True(pod.SecurityContext.RunAsNonRoot, "konnectivity-agent runs as non-root");
        // On the host network, to reach its node's kubelet wherever the gateway's pods cannot, and still resolving the Service's name.
        Assert.Equal((true, "ClusterFirstWithHostNet"), (pod.HostNetwork, pod.DnsPolicy));
    }

    private static async Task<(List<object> Objects, V1Deployment Deployment, V1PodSpec Pod, V1Container Gateway, V1Container Server)> LoadAsync()
    {
        var objects = await DeployFiles.LoadAsync(Shape);
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var pod = deployment.Spec.Template.Spec;
        return (objects, deployment, pod, Assert.Single(pod.Containers, container => container.Name == "apiproxygateway"),
            Assert.Single(pod.InitContainers ?? [], container => container.Name == "konnectivity-server"));
    }

    private static V1Service AgentService(IEnumerable<object> objects) =>
        Assert.Single(objects.OfType<V1Service>(), service => service.Metadata.Name == "apiproxygateway-konnectivity");

    private static string Flag(V1Container container, string flag)
    {
        Assert.True(Flags(container).TryGetValue(flag, out var value), $"{container.Name} has no {flag}");
        return value;
    }

    private static string Number(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Number(IntOrString port) => port.Value;

    private static List<string> Names(IEnumerable<V1ClusterRole> roles) => [.. roles.Select(role => role.Metadata.Name).Order(StringComparer.Ordinal)];
}
