using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>A second sandbox, with a node per kubelet fault (<see cref="FaultScenario"/>) and the gateway in front, for the tests that break things.</summary>
public class FaultSandboxFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "apg-e2e-faults-" + Guid.NewGuid().ToString("N")[..8]);

    public SandboxHost Host { get; private set; } = null!;

    public KubectlEnvironment Environment { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // Decisions are not cached here, so a test can show that an API server that cannot answer means "no".
        Host = await FaultScenario.StartSandboxAsync(_root, ["--Kubelet:Timeout=00:00:01", "--Authorization:AllowedCacheTtl=00:00:00", "--Authorization:DeniedCacheTtl=00:00:00"], Customize);
        Environment = new KubectlEnvironment(Host.KubeconfigPath, Path.Combine(_root, "kube-cache"));
        var warm = await Kubectl.Default.RunAsync(Environment, ["--context", "admin", "api-resources"]);
        if (!warm.Succeeded)
        {
            throw new InvalidOperationException($"Could not warm kubectl's discovery cache: {warm}");
        }

        // The gateway's first kubelet connection pays for loading and compiling its dial and handshake (and, through
        // Konnectivity, for opening the gRPC channel): on a busy machine that alone can outlast the 1 s the fault tests
        // give a kubelet, so a healthy node's logs are fetched first, until they come.
        KubectlResult? healthy = null;
        await TestWait.UntilAsync(
            async _ => (healthy = await KubectlAsync("--context", "admin", "logs", "-n", "demo", "talker", "--tail=1")).Succeeded,
            "the gateway serves the healthy node's logs (its kubelet path is warm)",
            TestWait.OperationTimeout,
            TestContext.Current.CancellationToken,
            () => $"The last attempt: {healthy}");
    }

    /// <summary>How a variant of the sandbox differs from this one (the egress variant puts every node behind Konnectivity).</summary>
    protected virtual SandboxOptions Customize(SandboxOptions options) => options;

    public Task<KubectlResult> KubectlAsync(params string[] arguments) =>
        Kubectl.Default.RunAsync(Environment, arguments, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
        GC.SuppressFinalize(this);
    }
}
