using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// A sandbox (no gateway) whose scenario has two healthy nodes (<c>legacy</c>; <c>modern</c> declares
/// ExtendWebSocketsToKubelet) and one node per kubelet fault, in a random 127.B block and a temporary directory.
/// </summary>
public sealed class KubeletFixture : IAsyncLifetime
{
    public static readonly string[] FaultNodes = FaultScenario.FaultNodes;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "apg-kubelet-" + Guid.NewGuid().ToString("N")[..8]);

    public SandboxHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var scenario = Path.Combine(_directory, "scenario.yaml");
        await File.WriteAllTextAsync(scenario, FaultScenario.Text());
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
}
