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
        Host = await FaultScenario.StartSandboxAsync(_directory, gatewayArguments: null);
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
    public Task<V1Pod> WaitForPodAsync(string ns, string name, Func<V1Pod, bool> condition, TimeSpan? timeout = null) =>
        SandboxPodWait.UntilAsync(Host, ns, name, condition, timeout);

    /// <summary>Ids of the live processes the sandbox started after <paramref name="skip"/> earlier ones.</summary>
    public IReadOnlyList<int> LiveProcessesSince(int skip) => [.. Host.Processes.StartedProcessIds.Skip(skip).Where(ProcessRegistry.IsAlive)];
}
