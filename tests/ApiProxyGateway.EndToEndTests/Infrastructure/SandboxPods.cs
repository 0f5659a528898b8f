using System.Collections.Concurrent;
using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests.Infrastructure;

/// <summary>
/// Pods for the end-to-end tests, created straight in the sandbox's store (as <c>kubectl create</c> would) in their own
/// namespace (the scenario's <c>demo</c> keeps its three pods), and awaited until the node's runtime reports them
/// running and ready. Shared pods (a web server per node) are created once per suite.
/// </summary>
public sealed class SandboxPods
{
    public const string Namespace = "e2e-streams";

    private readonly SandboxHost _host;

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _shared = new(StringComparer.Ordinal);

    public SandboxPods(SandboxHost host)
    {
        _host = host;
        _host.Store.Typed.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = Namespace } });
    }

    /// <summary>A pod to exec into on <paramref name="node"/>: the default scenario's <c>shell</c> (node-a) or <c>logger</c> (node-b).</summary>
    public static string ExecPod(string node) => node == "node-a" ? "shell" : "logger";

    /// <summary>A running <c>workload web</c> pod (HTTP 8080, HTTPS 8443) on <paramref name="node"/>, in <see cref="Namespace"/>.</summary>
    public Task<string> WebAsync(string node) =>
        _shared.GetOrAdd("web@" + node, _ => new Lazy<Task<string>>(() => CreateAsync(node, "web", ["workload", "web", "--https-port=8443", "--http-port=8080"], ports: [8080, 8443]))).Value;

    /// <summary>Creates a one-container pod and waits until it runs; returns its (unique) name.</summary>
    public async Task<string> CreateAsync(string node, string prefix, string[] command, bool stdin = false, bool tty = false, string restartPolicy = "Always", int[]? ports = null)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        _host.Store.Typed.Create(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["test"] = prefix } },
            Spec = new V1PodSpec
            {
                NodeName = node,
                RestartPolicy = restartPolicy,
                Containers = [new V1Container { Name = "main", Image = "sandbox.apiproxygateway.io/workload:latest", Command = command, Stdin = stdin, Tty = tty, Ports = [.. (ports ?? []).Select(p => new V1ContainerPort { ContainerPort = p })] }],
            },
        });
        if (restartPolicy == "Always")
        {
            await WaitRunningAsync(name);
        }

        return name;
    }

    /// <summary>Running and ready (every declared port accepts connections).</summary>
    public Task<V1Pod> WaitRunningAsync(string name) =>
        WaitAsync(name, p => p.Status?.ContainerStatuses is { Count: > 0 } statuses && statuses.All(s => s.State?.Running is not null && s.Ready));

    /// <summary>Waits (on the store's watch, with a timeout) until the pod satisfies <paramref name="condition"/>.</summary>
    public Task<V1Pod> WaitAsync(string name, Func<V1Pod, bool> condition, TimeSpan? timeout = null) =>
        SandboxPodWait.UntilAsync(_host, Namespace, name, condition, timeout);
}
