using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// The sandbox with its kubelets — two healthy nodes (<c>legacy</c>, and <c>modern</c> which declares
/// ExtendWebSocketsToKubelet) and one node per kubelet fault — and the real gateway process in front.
/// </summary>
public sealed class GatewaySandboxFixture : IAsyncLifetime
{
    /// <summary>The gateway's kubelet connect timeout here: the slow-handshake node (1.5 s) exceeds it.</summary>
    public static readonly TimeSpan KubeletTimeout = TimeSpan.FromSeconds(1);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "apg-gwk-" + Guid.NewGuid().ToString("N")[..8]);

    public SandboxHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await FaultScenario.StartSandboxAsync(
            _directory, [$"--Kubelet:Timeout={KubeletTimeout:c}", "--Authorization:AllowedCacheTtl=00:00:00", "--Authorization:DeniedCacheTtl=00:00:00"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A raw invoker to the gateway as a scenario user (no response buffering, so upgrades can be used).</summary>
    public HttpMessageInvoker Invoker(string user) => GatewayClients.Invoker(Host, user);

    public HttpRequestMessage Request(HttpMethod method, string pathAndQuery) => GatewayClients.Request(Host, method, pathAndQuery);

    /// <summary>The kubelet requests whose path starts with <paramref name="prefix"/>, newest last.</summary>
    public IReadOnlyList<ApiProxyGateway.Sandbox.ApiServer.RequestLogEntry> KubeletRequests(string prefix) =>
        [.. Host.KubeletRequestLog.Entries.Where(e => e.PathAndQuery.StartsWith(prefix, StringComparison.Ordinal))];

    public string PodUid(string ns, string name) =>
        Host.Store.Typed.Get<k8s.Models.V1Pod>(ns, name)?.Metadata.Uid ?? throw new InvalidOperationException($"no pod {ns}/{name}");
}
