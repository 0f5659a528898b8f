using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Runtime;
using k8s.Models;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// A sandbox (no gateway) whose scenario has two healthy nodes (<c>legacy</c>; <c>modern</c> declares
/// ExtendWebSocketsToKubelet) and one node per kubelet fault, in a random 127.B block and a temporary directory.
/// </summary>
public sealed class KubeletFixture : IAsyncLifetime
{
    public static readonly string[] FaultNodes = ["self-signed", "expired", "unknown-ca", "wrong-san", "wrong-cn", "down", "slow", "slow-handshake", "hostname-first"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "apg-kubelet-" + Guid.NewGuid().ToString("N")[..8]);

    public SandboxHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var scenario = Path.Combine(_directory, "scenario.yaml");
        await File.WriteAllTextAsync(scenario, Scenario());
        Host = await SandboxHost.StartAsync(new SandboxOptions { StateDirectory = Path.Combine(_directory, "state"), ScenarioFile = scenario, AddressBlock = null, StartGateway = false });
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>An HttpClient to a node's kubelet presenting <paramref name="client"/> (or none), trusting only the kubelet-serving CA.</summary>
    public HttpClient KubeletClient(string node, X509Certificate2? client) =>
        new(KubeletHandler(client)) { BaseAddress = Host.KubeletUrl(node), DefaultRequestVersion = HttpVersion.Version11 };

    /// <summary>A handler presenting <paramref name="client"/> (or none) and trusting only the kubelet-serving CA.</summary>
    public SocketsHttpHandler KubeletHandler(X509Certificate2? client) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = client is null ? null : [client],
            CertificateChainPolicy = ChainPolicy(),
        },
    };

    /// <summary>The API server's kubelet client certificate (bound to system:kubelet-api-admin).</summary>
    public X509Certificate2 ApiServerKubeletClient() =>
        X509Certificate2.CreateFromPemFile(Host.Pki.ApiServerKubeletClientCertificate, Host.Pki.ApiServerKubeletClientKey);

    public X509ChainPolicy ChainPolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(Host.Pki.KubeletServingCaCertificate)) },
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    /// <summary>Waits until the stored pod satisfies <paramref name="condition"/> (its status is written by the node's runtime).</summary>
    public async Task<V1Pod> WaitForPodAsync(string ns, string name, Func<V1Pod, bool> condition, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        using var watch = Host.Store.Typed.Watch<V1Pod>(ns);
        while (true)
        {
            if (Host.Store.Typed.Get<V1Pod>(ns, name) is { } pod && condition(pod))
            {
                return pod;
            }

            try
            {
                await watch.Events.WaitToReadAsync(deadline.Token);
                while (watch.Events.TryRead(out _))
                {
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Pod {ns}/{name} did not reach the expected state: {Host.Store.Get(ApiProxyGateway.Sandbox.Store.ResourceCatalog.Pods, ns, name)?["status"]}");
            }
        }
    }

    /// <summary>Ids of the live processes the sandbox started after <paramref name="skip"/> earlier ones.</summary>
    public IReadOnlyList<int> LiveProcessesSince(int skip) => [.. Host.Processes.StartedProcessIds.Skip(skip).Where(ProcessRegistry.IsAlive)];

    /// <summary>One logger pod on each fault node, named after it (in <c>demo</c>).</summary>
    private static string FaultPods() => string.Concat(FaultNodes.Select(n =>
        $"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: on-{n}\n  namespace: demo\nspec:\n  nodeName: {n}\n  containers:\n  - name: main\n    command: [workload, logger, --interval=100ms, --message=talk]\n"));

    internal static string Scenario()
    {
        var nodes = string.Join('\n', new[] { "legacy", "modern" }.Concat(FaultNodes).Select(n => n == "modern"
            ? $"---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {n}\nstatus:\n  declaredFeatures: [ExtendWebSocketsToKubelet]"
            : $"---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {n}"));
        return $"""
            apiVersion: sandbox.apiproxygateway.io/v1alpha1
            kind: SandboxConfig
            users:
            - name: admin
              groups: [system:masters]
            - name: getter
            - name: creator
            nodes:
            - name: self-signed
              servingCertificate: self-signed
            - name: expired
              servingCertificate: expired
            - name: unknown-ca
              servingCertificate: unknown-ca
            - name: wrong-san
              servingCertificate: wrong-san
            - name: wrong-cn
              servingCertificate: wrong-cn
            - name: down
              listening: false
            - name: slow
              responseDelay: 1500ms
            - name: slow-handshake
              handshakeDelay: 1500ms
            - name: hostname-first
              addressTypes: [Hostname, InternalIP]
            {nodes}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: demo
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: talker
              namespace: demo
            spec:
              nodeName: legacy
              containers:
              - name: talker
                image: sandbox.apiproxygateway.io/workload:latest
                command: [workload, logger, --interval=100ms, --message=talk]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: talker
              namespace: kube-system
            spec:
              nodeName: modern
              containers:
              - name: talker
                image: sandbox.apiproxygateway.io/workload:latest
                command: [workload, logger, --interval=100ms, --message=talk]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: server
              namespace: demo
              labels:
                app: server
            spec:
              nodeName: legacy
              containers:
              - name: server
                command: [workload, web, --http-port=8080, --https-port=8443]
                ports:
                - containerPort: 8080
                - containerPort: 8443
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: server
              namespace: demo
            spec:
              selector:
                app: server
              ports:
              - name: https
                port: 443
                targetPort: 8443
            {FaultPods()}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: exec-get
              namespace: demo
            rules:
            - apiGroups: [""]
              resources: [pods/exec]
              verbs: [get]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: exec-create
              namespace: demo
            rules:
            - apiGroups: [""]
              resources: [pods/exec]
              verbs: [create]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: getter
              namespace: demo
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: exec-get
            subjects:
            - apiGroup: rbac.authorization.k8s.io
              kind: User
              name: getter
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: creator
              namespace: demo
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: exec-create
            subjects:
            - apiGroup: rbac.authorization.k8s.io
              kind: User
              name: creator
            """;
    }
}
