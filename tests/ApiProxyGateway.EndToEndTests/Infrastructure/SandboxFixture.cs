using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;

[assembly: AssemblyFixture(typeof(ApiProxyGateway.EndToEndTests.Infrastructure.SandboxFixture))]

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// One sandbox for the whole end-to-end suite, in a random 127.B block and a temporary state directory, plus the
/// kubectl environment that points at its kubeconfig. Tests create uniquely named objects so they stay independent.
/// </summary>
public class SandboxFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "apg-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The gateway's timeout for ordinary requests in this suite; quiet streams must outlive it.</summary>
    public static readonly TimeSpan GeneralActivityTimeout = TimeSpan.FromSeconds(3);

    public SandboxHost Host { get; private set; } = null!;

    public KubectlEnvironment Environment { get; private set; } = null!;

    /// <summary>Creates and awaits the pods the stream tests use.</summary>
    public SandboxPods Pods { get; private set; } = null!;

    /// <summary>Processes the tests start themselves (kubectl on a terminal), checked like the sandbox's own.</summary>
    public ApiProxyGateway.Sandbox.Runtime.ProcessRegistry TestProcesses { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_root);

        // A short general activity timeout, so tests can show that long-running streams are not bound by it; plain
        // http to workloads in the tests' own namespace only, so the proxy tests can reach a pod's http port there while
        // the scenario's namespace keeps the default refusal.
        string[] gatewayArguments = [$"--ApiServer:ActivityTimeout={GeneralActivityTimeout:c}", $"--Proxy:PlainHttpNamespaces:0={SandboxPods.Namespace}"];
        Host = await TestSandbox.StartAsync(Customize(TestSandbox.Options(Path.Combine(_root, "state"), gatewayArguments)), TestContext.Current.CancellationToken);
        Environment = new KubectlEnvironment(Host.KubeconfigPath, Path.Combine(_root, "kube-cache"));
        Pods = new SandboxPods(Host);

        // Warm kubectl's discovery cache for both servers, as any user's is. With a cold cache kubectl reports a 401 from
        // discovery as "(the server has asked for the client to provide credentials)" instead of the Status message, so
        // tests that check error texts would depend on which test happened to run first.
        foreach (var context in new[] { "admin", "direct-admin" })
        {
            var warm = await Kubectl.Default.RunAsync(Environment, ["--context", context, "api-resources"]);
            if (!warm.Succeeded)
            {
                throw new InvalidOperationException($"Could not warm kubectl's discovery cache: {warm}");
            }
        }
    }

    /// <summary>How a variant of the sandbox differs from the default one (the egress sandboxes put every node behind Konnectivity).</summary>
    protected virtual SandboxOptions Customize(SandboxOptions options) => options;

    /// <summary>Runs the default kubectl against the sandbox.</summary>
    public Task<KubectlResult> KubectlAsync(params string[] arguments) =>
        Kubectl.Default.RunAsync(Environment, arguments, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await TestProcesses.KillAllAsync();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
        GC.SuppressFinalize(this);

        // Every process the sandbox (containers, exec sessions) or the tests started must be gone now.
        var started = Host is null ? [] : Host.Processes.StartedProcessIds.Concat(TestProcesses.StartedProcessIds).ToList();
        if (started.Where(ApiProxyGateway.Sandbox.Runtime.ProcessRegistry.IsAlive).ToList() is { Count: > 0 } survivors)
        {
            throw new InvalidOperationException($"{survivors.Count} of the {started.Count} processes started during the suite survived the sandbox: {string.Join(", ", survivors)}");
        }
    }
}
