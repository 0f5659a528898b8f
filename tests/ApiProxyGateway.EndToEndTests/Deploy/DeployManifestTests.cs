using System.Reflection;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;
using static ApiProxyGateway.EndToEndTests.Deploy.DeployPods;

namespace ApiProxyGateway.EndToEndTests.Deploy;

/// <summary>
/// CI checks for the deployment artefacts: every kustomization renders with the real kubectl into objects that
/// KubernetesClient loads strictly (unknown fields fail), the security properties that matter hold, the RBAC is the
/// least-privilege set, the gateway's flags point at mounted files, and the Dockerfile's own publish command yields
/// the gateway with its settings.
/// </summary>
[Collection(SourceBuilds.Name)]
public sealed class DeployManifestTests
{
    private const string GatewayContainer = "apiproxygateway";
    private const string OperationsPort = "8081";
    private const string SecurePort = "8443";

    // Flags whose value is a file the container must have mounted (the audit log's directory included).
    private static readonly string[] FileFlags =
    [
        "--tls-cert-file", "--tls-private-key-file", "--client-ca-file", "--kubeconfig", "--kubelet-certificate-authority",
        "--kubelet-client-certificate", "--kubelet-client-key", "--proxy-client-cert-file", "--proxy-client-key-file",
        "--workload-certificate-authority", "--audit-log-path", "--egress-selector-config-file", "--recording-dir",
    ];

    // Without these the gateway refuses to start; --kubeconfig may be empty (in-cluster) but is stated either way.
    private static readonly string[] RequiredFlags =
    [
        "--tls-cert-file", "--tls-private-key-file", "--client-ca-file", "--kubeconfig", "--kubelet-certificate-authority",
        "--kubelet-client-certificate", "--kubelet-client-key",
    ];

    private static readonly string[] ClusterScopedKinds = ["Namespace", "ClusterRole", "ClusterRoleBinding"];

    // Components are rendered by the kustomizations that include them (each is, see below): one that patches a
    // Deployment has nothing to patch on its own.
    public static TheoryData<string> Kustomizations => [.. DeployFiles.KustomizationDirectories().Where(directory => !DeployFiles.IsComponent(directory))];

    public static TheoryData<string> GatewayShapes =>
        ["overlays/deployment", "overlays/sidecar/static-pod", "overlays/deployment-konnectivity", "overlays/sidecar-konnectivity/static-pod"];

    public static TheoryData<string> StaticPodShapes => ["overlays/sidecar/static-pod", "overlays/sidecar-konnectivity/static-pod"];

    public static TheoryData<string> RbacShapes => ["base", "overlays/deployment", "overlays/sidecar", "overlays/deployment-konnectivity"];

    public static TheoryData<string> MonitoringShapes => ["overlays/deployment-monitoring", "overlays/sidecar-monitoring"];

    public static TheoryData<string> ExampleKubeconfigs =>
        [.. Directory.EnumerateFiles(Path.Combine(DeployFiles.DeployDirectory, "examples"), "*.kubeconfig.yaml").Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal)];

    [Fact]
    public void DeployDirectory_Kustomizations_CoverBothShapesAndMonitoring()
    {
        var directories = DeployFiles.KustomizationDirectories();

        Assert.Subset(directories.ToHashSet(), Set(
            "base", "components/monitoring", "overlays/deployment", "overlays/deployment-monitoring", "overlays/sidecar",
            "overlays/sidecar/static-pod", "overlays/sidecar-monitoring", "components/konnectivity-server-sidecar",
            "overlays/deployment-konnectivity", "overlays/sidecar-konnectivity/static-pod", "components/autoscaling", "overlays/deployment-autoscaling"));
    }

    [Fact]
    public void DeployDirectory_EveryComponent_IsIncludedByAKustomizationThatRenders()
    {
        var included = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in DeployFiles.KustomizationDirectories().Where(directory => !DeployFiles.IsComponent(directory)))
        {
            if (DeployFiles.Kustomization(directory).Children.TryGetValue(new YamlScalarNode("components"), out var components))
            {
                var full = Path.Combine(DeployFiles.DeployDirectory, directory);
                included.UnionWith(((YamlSequenceNode)components).Children.Select(component =>
                    Path.GetRelativePath(DeployFiles.DeployDirectory, Path.GetFullPath(Path.Combine(full, component.ToString()))).Replace('\\', '/')));
            }
        }

        Assert.All(DeployFiles.KustomizationDirectories().Where(DeployFiles.IsComponent), component => Assert.Contains(component, included));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Kustomization_Rendered_EveryObjectLoadsAsAKubernetesObject(string directory)
    {
        var documents = await DeployFiles.RenderAsync(directory);

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            var node = DeployFiles.Parse(document);
            var (apiVersion, kind, name) = (DeployFiles.Scalar(node, "apiVersion"), DeployFiles.Scalar(node, "kind"), DeployFiles.Scalar(node, "metadata", "name"));
            Assert.False(string.IsNullOrEmpty(name), $"deploy/{directory}: a {apiVersion}/{kind} has no metadata.name");
            if (apiVersion == DeployFiles.MonitoringApiVersion)
            {
                // Prometheus Operator CRDs, unknown to KubernetesClient: checked for shape only.
                Assert.Contains(kind, new[] { "ServiceMonitor", "PrometheusRule" });
                Assert.True(node.Children.TryGetValue("spec", out var spec) && spec is YamlMappingNode { Children.Count: > 0 }, $"deploy/{directory}: {kind} {name} has no spec");
                continue;
            }

            var loaded = DeployFiles.LoadTyped(document, $"deploy/{directory}: {apiVersion}/{kind} {name}");
            Assert.Equal(apiVersion, loaded.ApiVersion);
            Assert.Equal(kind, loaded.Kind);
            Assert.Equal(name, loaded.Metadata.Name);
            if (directory.StartsWith("overlays/", StringComparison.Ordinal) && !ClusterScopedKinds.Contains(kind))
            {
                Assert.False(string.IsNullOrEmpty(loaded.Metadata.NamespaceProperty), $"deploy/{directory}: {kind} {name} has no namespace");
            }
            else if (directory == "base")
            {
                Assert.Null(loaded.Metadata.NamespaceProperty);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Kustomization_RbacAndPods_GrantNoWildcardsAndRunNothingPrivileged(string directory)
    {
        var objects = await DeployFiles.LoadAsync(directory);

        foreach (var rule in objects.OfType<V1ClusterRole>().SelectMany(role => role.Rules ?? []).Concat(objects.OfType<V1Role>().SelectMany(role => role.Rules ?? [])))
        {
            var fields = (rule.ApiGroups ?? []).Concat(rule.Resources ?? []).Concat(rule.Verbs ?? []).Concat(rule.ResourceNames ?? []).Concat(rule.NonResourceURLs ?? []);
            Assert.DoesNotContain(fields, field => field.Contains('*', StringComparison.Ordinal));
        }

        // Built-in roles: kubelets' API for the gateway, TokenReviews for konnectivity-server.
        var allowedRoles = objects.OfType<V1ClusterRole>().Select(role => role.Metadata.Name).Concat(["system:kubelet-api-admin", "system:auth-delegator"]).ToHashSet();
        Assert.All(objects.OfType<V1ClusterRoleBinding>(), binding => Assert.Contains(binding.RoleRef.Name, allowedRoles));
        foreach (var pod in PodSpecs(objects))
        {
            Assert.NotEqual(true, pod.HostPID);
            Assert.NotEqual(true, pod.HostIPC);
            Assert.All(pod.Containers.Concat(pod.InitContainers ?? []), container => Assert.NotEqual(true, container.SecurityContext?.Privileged));
        }
    }

    [Theory]
    [MemberData(nameof(RbacShapes))]
    public async Task GatewayClusterRole_InEachShape_IsExactlyTheLeastPrivilegeSet(string directory)
    {
        var role = Assert.Single((await DeployFiles.LoadAsync(directory)).OfType<V1ClusterRole>(), role => role.Metadata.Name == "apiproxygateway");

        var granted = role.Rules.SelectMany(rule =>
            from apiGroup in rule.ApiGroups from resource in rule.Resources from verb in rule.Verbs select $"{apiGroup}|{resource}|{verb}");
        string[] expected =
        [
            "|users|impersonate", "|groups|impersonate", "|serviceaccounts|impersonate",
            "authentication.k8s.io|uids|impersonate", "authentication.k8s.io|userextras/authentication.kubernetes.io/credential-id|impersonate",
            "authorization.k8s.io|subjectaccessreviews|create",
            .. from resource in new[] { "pods", "nodes", "services", "configmaps" } from verb in new[] { "get", "list", "watch" } select $"|{resource}|{verb}",
            "discovery.k8s.io|endpointslices|get", "discovery.k8s.io|endpointslices|list", "discovery.k8s.io|endpointslices|watch",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), granted.Order(StringComparer.Ordinal));
        Assert.All(role.Rules, rule => Assert.True(rule.ResourceNames is null or { Count: 0 } && rule.NonResourceURLs is null or { Count: 0 }));
        Assert.Null(role.AggregationRule);
    }

    [Theory]
    [InlineData("overlays/deployment", "ServiceAccount", "apiproxygateway", "apiproxygateway-kubelet-client")]
    [InlineData("overlays/sidecar", "User", "apiproxygateway", "kube-apiserver-kubelet-client")]
    [InlineData("overlays/deployment-konnectivity", "ServiceAccount", "apiproxygateway", "apiproxygateway-kubelet-client")]
    public async Task GatewayBindings_InEachShape_BindTheIdentitiesTheGatewayPresents(string directory, string apiServerKind, string apiServerName, string kubeletUser)
    {
        var objects = await DeployFiles.LoadAsync(directory);
        var bindings = objects.OfType<V1ClusterRoleBinding>().ToList();

        var apiServer = Assert.Single(Assert.Single(bindings, binding => binding.RoleRef.Name == "apiproxygateway").Subjects);
        Assert.Equal((apiServerKind, apiServerName), (apiServer.Kind, apiServer.Name));
        if (apiServerKind == "ServiceAccount")
        {
            var account = Assert.Single(objects.OfType<V1ServiceAccount>());
            Assert.Equal((account.Metadata.Name, account.Metadata.NamespaceProperty), (apiServer.Name, apiServer.NamespaceProperty));
            Assert.Equal(account.Metadata.Name, Assert.Single(objects.OfType<V1Deployment>()).Spec.Template.Spec.ServiceAccountName);
        }
        else
        {
            Assert.Empty(objects.OfType<V1ServiceAccount>());
        }

        var kubelet = Assert.Single(Assert.Single(bindings, binding => binding.RoleRef.Name == "system:kubelet-api-admin").Subjects);
        Assert.Equal(("User", kubeletUser, "rbac.authorization.k8s.io"), (kubelet.Kind, kubelet.Name, kubelet.ApiGroup));
    }

    [Theory]
    [InlineData("overlays/deployment", 2)]
    [InlineData("overlays/deployment-konnectivity", 3)]
    public async Task DeploymentOverlay_GatewayPods_AreHardenedHighlyAvailableAndProbed(string directory, int services)
    {
        var objects = await DeployFiles.LoadAsync(directory);
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var pod = deployment.Spec.Template.Spec;
        var podLabels = deployment.Spec.Template.Metadata.Labels;

        Assert.True(deployment.Spec.Replicas >= 2, "at least two replicas");
        Assert.True(pod.SecurityContext.RunAsNonRoot, "runAsNonRoot");
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile?.Type);
        Assert.NotEqual(true, pod.HostNetwork);
        Assert.DoesNotContain(pod.Volumes, volume => volume.HostPath is not null);
        Assert.NotEqual(false, pod.AutomountServiceAccountToken);
        var gateway = Assert.Single(pod.Containers);
        AssertHardened(pod, gateway);
        Assert.All(pod.InitContainers ?? [], container => AssertLockedDown(pod, container));
        Assert.Equal("", Flags(gateway)["--kubeconfig"]);
        Assert.Contains(pod.TopologySpreadConstraints, constraint => constraint.TopologyKey == "kubernetes.io/hostname"); // the spread itself: ReplicaManifestTests

        var budget = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        Assert.Subset(podLabels.ToHashSet(), budget.Spec.Selector.MatchLabels.ToHashSet());
        Assert.True(budget.Spec.MaxUnavailable?.Value is "1" || budget.Spec.MinAvailable is not null, "the budget limits disruptions");

        var portNames = pod.Containers.Concat(pod.InitContainers ?? []).SelectMany(container => container.Ports).Select(port => port.Name).ToHashSet();
        Assert.Equal(services, objects.OfType<V1Service>().Count());
        Assert.All(objects.OfType<V1Service>(), service =>
        {
            Assert.Subset(podLabels.ToHashSet(), service.Spec.Selector.ToHashSet());
            Assert.All(service.Spec.Ports, port => Assert.Contains(port.TargetPort.Value, portNames));
        });
        Assert.DoesNotContain(Assert.Single(objects.OfType<V1Service>(), service => service.Metadata.Name == "apiproxygateway").Spec.Ports, port => port.TargetPort.Value == "operations");
    }

    [Theory]
    [MemberData(nameof(StaticPodShapes))]
    public async Task SidecarStaticPod_GatewayContainer_IsHardenedAndCannotStopKubeApiserver(string directory)
    {
        var pod = Assert.Single((await DeployFiles.LoadAsync(directory)).OfType<V1Pod>());
        var gateway = Assert.Single(pod.Spec.Containers, container => container.Name == GatewayContainer);

        Assert.Equal(("kube-apiserver", "kube-system"), (pod.Metadata.Name, pod.Metadata.NamespaceProperty));
        Assert.Contains(pod.Spec.Containers, container => container.Name == "kube-apiserver");
        Assert.Equal("kube-apiserver", pod.Metadata.Annotations["kubectl.kubernetes.io/default-container"]);
        Assert.True(pod.Spec.HostNetwork);

        // Root only to read kubeadm's root-owned 0600 keys, as kube-apiserver does; everything else is locked down.
        AssertHardened(pod.Spec, gateway);
        var mounts = gateway.VolumeMounts.ToDictionary(mount => mount.MountPath);
        Assert.True(mounts["/etc/kubernetes/pki"].ReadOnlyProperty, "the control plane's PKI is mounted read-only");
        foreach (var mount in gateway.VolumeMounts)
        {
            var volume = Assert.Single(pod.Spec.Volumes, volume => volume.Name == mount.Name);
            if (volume.HostPath is not null && !pod.Spec.Containers.Any(other => other.Name != GatewayContainer && other.VolumeMounts.Any(m => m.Name == volume.Name)))
            {
                // A host path of the gateway's own that had to exist would keep the whole pod, kube-apiserver too, from starting.
                Assert.Contains(volume.HostPath.Type, new[] { "DirectoryOrCreate", "FileOrCreate" });
            }
        }
    }

    [Theory]
    [MemberData(nameof(GatewayShapes))]
    public async Task GatewayContainer_Flags_AreKnownAndPointIntoMountedVolumes(string directory)
    {
        var pod = PodSpecs(await DeployFiles.LoadAsync(directory)).Single();
        var gateway = Assert.Single(pod.Containers, container => container.Name == GatewayContainer);
        var flags = Flags(gateway);
        var known = KnownFlags();

        Assert.All(flags.Keys, flag => Assert.True(known.Contains(flag) || flag.Contains(':', StringComparison.Ordinal), $"deploy/{directory}: the gateway has no flag {flag}"));
        Assert.Subset(flags.Keys.ToHashSet(), Set(RequiredFlags));
        Assert.Equal(OperationsPort, flags.GetValueOrDefault("--operations-port", OperationsPort));
        Assert.Equal(SecurePort, flags.GetValueOrDefault("--secure-port", SecurePort));
        Assert.Equal([SecurePort, OperationsPort], gateway.Ports.OrderBy(port => port.Name, StringComparer.Ordinal).Select(port => port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var (flag, path) in flags.Where(flag => FileFlags.Contains(flag.Key) && flag.Value is not ("" or "-")))
        {
            var mount = MountHolding(gateway, path);
            Assert.True(mount is not null, $"deploy/{directory}: {flag}={path} is not under any volume mount");
            Assert.True(string.IsNullOrEmpty(mount.SubPath), $"deploy/{directory}: {mount.MountPath} uses subPath, which never sees a renewed file");
            Assert.Equal(flag is not ("--audit-log-path" or "--recording-dir"), mount.ReadOnlyProperty == true); // written, the rest only read
            Assert.Contains(pod.Volumes, volume => volume.Name == mount.Name);
        }
    }

    [Fact]
    public async Task SidecarGatewayKubeconfig_ReferencedFiles_AreMountedInTheGatewayContainer()
    {
        var pod = Assert.Single((await DeployFiles.LoadAsync("overlays/sidecar/static-pod")).OfType<V1Pod>());
        var gateway = Assert.Single(pod.Spec.Containers, container => container.Name == GatewayContainer);
        var kubeconfig = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(Path.Combine(DeployFiles.DeployDirectory, "examples", "sidecar-gateway.kubeconfig.yaml")));

        var files = kubeconfig.Clusters.Select(cluster => cluster.ClusterEndpoint.CertificateAuthority)
            .Concat(kubeconfig.Users.SelectMany(user => new[] { user.UserCredentials.ClientCertificate, user.UserCredentials.ClientKey }));
        Assert.All(files, file => Assert.NotNull(MountHolding(gateway, file)));
        Assert.NotNull(MountHolding(gateway, Flags(gateway)["--kubeconfig"]));
    }

    [Theory]
    [MemberData(nameof(MonitoringShapes))]
    public async Task MonitoringOverlay_ServiceMonitor_ScrapesTheGatewaysOperationsPort(string directory)
    {
        var objects = await DeployFiles.LoadAsync(directory);
        var monitor = Assert.Single(objects.OfType<YamlMappingNode>(), node => DeployFiles.Scalar(node, "kind") == "ServiceMonitor");
        var services = objects.OfType<V1Service>();

        var selector = ((YamlMappingNode)monitor["spec"]["selector"]["matchLabels"]).Children.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value.ToString());
        var service = Assert.Single(services, service => selector.All(label => service.Metadata.Labels.TryGetValue(label.Key, out var value) && value == label.Value));
        var endpoint = Assert.Single(((YamlSequenceNode)monitor["spec"]["endpoints"]).Children);
        Assert.Equal(("operations", "/metrics"), (endpoint["port"].ToString(), endpoint["path"].ToString()));
        var port = Assert.Single(service.Spec.Ports, port => port.Name == "operations");
        Assert.Equal(OperationsPort, port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The Service must select the pods that run the gateway, which in the sidecar shape are rendered separately.
        var gatewayPod = directory.Contains("sidecar", StringComparison.Ordinal)
            ? Assert.Single((await DeployFiles.LoadAsync("overlays/sidecar/static-pod")).OfType<V1Pod>()).Metadata.Labels
            : Assert.Single((await DeployFiles.LoadAsync("overlays/deployment")).OfType<V1Deployment>()).Spec.Template.Metadata.Labels;
        Assert.Subset(gatewayPod.ToHashSet(), service.Spec.Selector.ToHashSet());
    }

    [Fact]
    public async Task MonitoringComponent_PrometheusRule_AlertsOnCertificatesUpstreamTlsAndErrors()
    {
        var rule = Assert.Single((await DeployFiles.LoadAsync("components/monitoring")).OfType<YamlMappingNode>(), node => DeployFiles.Scalar(node, "kind") == "PrometheusRule");

        var rules = ((YamlSequenceNode)rule["spec"]["groups"]).Children.SelectMany(group => ((YamlSequenceNode)group["rules"]).Children).Cast<YamlMappingNode>().ToList();
        var alerts = rules.Where(node => node.Children.ContainsKey("alert")).ToList();
        Assert.All(rules, node => Assert.False(string.IsNullOrWhiteSpace(node["expr"].ToString())));
        Assert.All(alerts, alert =>
        {
            Assert.Contains(alert["labels"]["severity"].ToString(), new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(alert["annotations"]["summary"].ToString()));
        });
        var expressions = string.Join('\n', alerts.Select(alert => alert["expr"].ToString()));
        Assert.Contains("apiproxygateway_certificate_expiry_seconds", expressions, StringComparison.Ordinal);
        Assert.Contains("7 * 24 * 3600", expressions, StringComparison.Ordinal);
        Assert.Contains("apiproxygateway_upstream_tls_failures_total", expressions, StringComparison.Ordinal);
        Assert.Contains("apiproxygateway_requests_total{code=~\"5..\"}", expressions, StringComparison.Ordinal);
        Assert.Contains(rules, node => node["expr"].ToString().Contains("apiproxygateway_request_duration_seconds_bucket", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ExampleKubeconfigs))]
    public void ExampleKubeconfig_Loaded_VerifiesTheServerAndPresentsAClientCertificate(string file)
    {
        var kubeconfig = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(Path.Combine(DeployFiles.DeployDirectory, "examples", file)));

        var context = Assert.Single(kubeconfig.Contexts, context => context.Name == kubeconfig.CurrentContext).ContextDetails;
        var cluster = Assert.Single(kubeconfig.Clusters, cluster => cluster.Name == context.Cluster).ClusterEndpoint;
        var user = Assert.Single(kubeconfig.Users, user => user.Name == context.User).UserCredentials;
        Assert.StartsWith("https://", cluster.Server, StringComparison.Ordinal);
        Assert.False(cluster.SkipTlsVerify);
        Assert.False(string.IsNullOrEmpty(cluster.CertificateAuthority ?? cluster.CertificateAuthorityData), "the server is verified against an explicit CA");
        Assert.False(string.IsNullOrEmpty(user.ClientCertificate ?? user.ClientCertificateData), "a client certificate");
        Assert.False(string.IsNullOrEmpty(user.ClientKey ?? user.ClientKeyData), "its key");
        Assert.True(user.Token is null && user.UserName is null && user.ExternalExecution is null && user.AuthProvider is null, "certificates are the only credential the gateway accepts");
        Assert.Null(user.Impersonate);
    }

    [Fact]
    public void DockerfileRestoreLayer_BeforeRestore_CopiesOnlyProjectFilesAndEveryReferencedProject()
    {
        var build = DeployFiles.DockerfileBuildStage();
        var restoreAt = build.FindIndex(instruction => instruction.Keyword == "RUN" && DeployFiles.Command(instruction.Arguments) is ["dotnet", "restore", ..]);
        Assert.True(restoreAt > 0, "the build stage runs dotnet restore");
        var beforeRestore = DeployFiles.CopiedPaths(build.Take(restoreAt)).ToList();
        var afterRestore = DeployFiles.CopiedPaths(build.Skip(restoreAt)).ToList();

        // The restore layer stays cached across source edits only if nothing but project and build files precede it.
        Assert.All(beforeRestore, copy => Assert.True(
            copy.Source.EndsWith(".csproj", StringComparison.Ordinal) || copy.Source.EndsWith(".props", StringComparison.Ordinal)
            || copy.Source.EndsWith(".sln", StringComparison.Ordinal) || copy.Source == "global.json",
            $"{copy.Source} is copied before restore"));
        Assert.Subset(beforeRestore.Select(copy => copy.Source).ToHashSet(), Set("global.json", "Directory.Build.props", "Directory.Packages.props"));
        foreach (var project in DeployFiles.ProjectClosure("src/ApiProxyGateway/ApiProxyGateway.csproj"))
        {
            var directory = project[..(project.LastIndexOf('/') + 1)];
            Assert.Contains((project, directory), beforeRestore);
            Assert.Contains((directory, directory), afterRestore);
        }

        Assert.Contains(afterRestore, copy => copy.Source == "appsettings/");
        Assert.All(beforeRestore.Concat(afterRestore), copy => Assert.All(DeployFiles.Expand(copy.Source), file => Assert.True(DeployFiles.IsInBuildContext(file), $".dockerignore keeps {file} out of the build context")));
    }

    [Fact]
    public void DockerfileRuntimeStage_Image_IsChiseledNonRootAndExposesBothPorts()
    {
        var instructions = DeployFiles.DockerfileInstructions();
        var runtime = instructions.Skip(instructions.FindLastIndex(instruction => instruction.Keyword == "FROM")).ToList();

        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", runtime[0].Arguments, StringComparison.Ordinal);
        var user = Assert.Single(runtime, instruction => instruction.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        Assert.Subset(Assert.Single(runtime, instruction => instruction.Keyword == "EXPOSE").Arguments.Split(' ').ToHashSet(), Set(SecurePort, OperationsPort));
        Assert.Equal("[\"/app/ApiProxyGateway\"]", Assert.Single(runtime, instruction => instruction.Keyword == "ENTRYPOINT").Arguments);
    }

    [Fact]
    public async Task DockerfilePublish_RunOnTheRepository_ProducesTheGatewayAndItsSettings()
    {
        var build = DeployFiles.DockerfileBuildStage();
        var restore = build.Select(instruction => instruction.Keyword == "RUN" ? DeployFiles.Command(instruction.Arguments) : []).Single(command => command is ["dotnet", "restore", ..]);
        var publish = build.Select(instruction => instruction.Keyword == "RUN" ? DeployFiles.Command(instruction.Arguments) : []).Single(command => command is ["dotnet", "publish", ..]);
        var outputAt = publish.FindIndex(argument => argument is "-o" or "--output") + 1;
        Assert.True(outputAt > 0, "the publish command names its output directory with -o");
        var entryPoint = Assert.Single(DeployFiles.DockerfileInstructions(), instruction => instruction.Keyword == "ENTRYPOINT").Arguments.Trim('[', ']', '"');
        Assert.StartsWith(publish[outputAt] + "/", entryPoint, StringComparison.Ordinal);
        var output = Directory.CreateTempSubdirectory("apg-publish-");
        try
        {
            // The Dockerfile's own commands, run from the repository as its WORKDIR; only the output directory differs.
            // The restore is a no-op when the solution is already restored, and makes the --no-restore publish valid.
            await DeployFiles.ReplayAsync(restore);
            await DeployFiles.ReplayAsync([.. publish[..outputAt], output.FullName, .. publish[(outputAt + 1)..]]);

            Assert.True(File.Exists(Path.Combine(output.FullName, "ApiProxyGateway.dll")), "ApiProxyGateway.dll is published");
            Assert.True(File.Exists(Path.Combine(output.FullName, "appsettings", "appsettings.json")), "appsettings/appsettings.json is published");
            Assert.True(File.Exists(Path.Combine(output.FullName, entryPoint[(publish[outputAt].Length + 1)..])), $"the entry point {entryPoint} is published");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static void AssertHardened(V1PodSpec pod, V1Container container)
    {
        AssertLockedDown(pod, container);
        Assert.Equal(("/livez", "/readyz"), (container.LivenessProbe?.HttpGet?.Path, container.ReadinessProbe?.HttpGet?.Path));
        Assert.All(new[] { container.LivenessProbe!.HttpGet.Port.Value, container.ReadinessProbe!.HttpGet.Port.Value }, port => Assert.Contains(port, new[] { "operations", OperationsPort })); // ! asserted just above
    }

    private static HashSet<string> KnownFlags()
    {
        // GatewayFlags is internal to the gateway, whose build output the sandbox carries into this test's.
        var type = Type.GetType("ApiProxyGateway.Settings.GatewayFlags, ApiProxyGateway", throwOnError: true)!; // ! throwOnError: never null
        var mappings = type.GetProperty("SwitchMappings", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        Assert.True(mappings is IReadOnlyDictionary<string, string>, "GatewayFlags.SwitchMappings maps the gateway's flags to settings");
        return [.. ((IReadOnlyDictionary<string, string>)mappings).Keys];
    }
}
