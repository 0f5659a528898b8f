using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Sandbox.Network;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// A sandbox of its own for the konnectivity faults (they stop agents and the server): the default scenario with every
/// node behind its konnectivity-agent (<c>--egress grpc</c>: kubelets and pods in their own network namespace) and the
/// gateway in front, dialling them through konnectivity-server's socket with a 10 s kubelet timeout (a healthy dial
/// through the server and an agent must fit in it on a busy machine; a slowed one must not).
/// </summary>
public sealed class EgressFaultSandboxFixture : IAsyncLifetime
{
    public static readonly TimeSpan KubeletTimeout = TimeSpan.FromSeconds(10);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "apg-e2e-egress-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Why this machine cannot run egress mode (no network namespaces), or null.</summary>
    public string? Unavailable { get; } = NodeNetwork.IsolationUnavailable();

    public SandboxHost Host { get; private set; } = null!;

    public KonnectivityPlane Konnectivity => Host.Konnectivity!; // ! started with --egress

    public KubectlEnvironment Environment { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        Directory.CreateDirectory(_root);
        var options = TestSandbox.Options(Path.Combine(_root, "state"), [$"--Kubelet:Timeout={KubeletTimeout:c}"]) with { Egress = EgressProtocol.Grpc };
        Host = await TestSandbox.StartAsync(options, TestContext.Current.CancellationToken);
        Environment = new KubectlEnvironment(Host.KubeconfigPath, Path.Combine(_root, "kube-cache"));
        var warm = await Kubectl.Default.RunAsync(Environment, ["--context", "admin", "api-resources"]);
        if (!warm.Succeeded)
        {
            throw new InvalidOperationException($"Could not warm kubectl's discovery cache: {warm}");
        }
    }

    /// <summary>Skips the test, saying why, where network namespaces cannot be made.</summary>
    public void SkipUnlessAvailable() => Assert.SkipWhen(Unavailable is not null, $"network namespaces are not available here: {Unavailable}");

    public Task<KubectlResult> KubectlAsync(params string[] arguments) =>
        Kubectl.Default.RunAsync(Environment, arguments, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
