using System.Net;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Network;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Sandbox.Scenarios;
using ApiProxyGateway.Sandbox.Store;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// The scenario's nodes: for each, a container runtime (watching the store for its pods) and, unless the scenario
/// says it is not listening, a kubelet on <c>127.B.1.N:10250</c> whose serving certificate is written to
/// <c>DIR/pki/nodes/NODE.crt/.key</c>. Kubelets and pods live in <see cref="NodeNetwork"/> (the host's, or with
/// <c>--egress</c> a network namespace only the konnectivity agents reach).
/// </summary>
internal sealed class KubeletFleet : IAsyncDisposable
{
    /// <summary>Every request the fleet's kubelets received (bounded), with headers as sent and the client certificate.</summary>
    public ApiServer.RequestLog Requests { get; } = new();

    public const string ExtendWebSocketsToKubelet = "ExtendWebSocketsToKubelet";

    private readonly List<SimulatedKubelet> _kubelets = [];
    private readonly List<Task> _runtimes = [];
    private readonly CancellationTokenSource _stopping = new();

    public Dictionary<string, NodeRuntime> Runtimes { get; } = new(StringComparer.Ordinal);

    public static async Task<KubeletFleet> StartAsync(
        Scenario scenario, AddressPlan plan, NodeNetwork network, SandboxPki pki, ResourceStore store, RbacAuthorizer authorizer, string stateDirectory, ProcessRegistry registry, TimeProvider timeProvider, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var fleet = new KubeletFleet();
        var logger = loggerFactory.CreateLogger("ApiProxyGateway.Sandbox.Kubelets");
        var nodes = scenario.NodeSettings;
        Directory.CreateDirectory(pki.Paths.NodesDirectory);
        try
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var settings = nodes[i];
                var name = settings.Name;
                var address = plan.NodeAddress(i + 1);
                var runtimeSettings = new NodeRuntimeSettings(name, i + 1, address.ToString(), plan, Path.Combine(stateDirectory, "pods")) { Network = network };
                var runtime = new NodeRuntime(runtimeSettings, store, pki, registry, timeProvider, logger);
                fleet.Runtimes[name] = runtime;
                fleet._runtimes.Add(runtime.RunAsync(fleet._stopping.Token));
                var serving = KubeletServingCertificate.Issue(pki, name, address, settings.ServingCertificate, timeProvider);
                SandboxPki.WritePair(serving, pki.Paths.NodeCertificate(name), pki.Paths.NodeKey(name));
                if (!settings.Listening)
                {
                    KubeletLog.NotListening(logger, name);
                    continue;
                }

                var extended = DeclaresExtendedWebSockets(store, name);
                var context = new KubeletContext(name, settings, extended, runtime, store, authorizer, registry, timeProvider, logger, fleet._stopping.Token)
                {
                    Requests = fleet.Requests,
                };
                var kubelet = new SimulatedKubelet(context, new IPEndPoint(address, AddressPlan.KubeletPort), serving, pki, loggerFactory);
                fleet._kubelets.Add(kubelet);
                await kubelet.StartAsync(cancellationToken);
                KubeletLog.Listening(logger, name, kubelet.Url.ToString(), settings.ServingCertificate.ToString(), extended);
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until every pod the nodes run has settled (ready, ended or backing off) and reported it, so a sandbox that
    /// says "ready" shows its scenario's pods as they will stay; false if that took longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForPodsAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!Runtimes.Values.SelectMany(r => r.Pods).All(p => p.IsSettled))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeProvider, deadline.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Whether the Node lists ExtendWebSocketsToKubelet in <c>status.declaredFeatures</c> (KEP-5328).</summary>
    public static bool DeclaresExtendedWebSockets(ResourceStore store, string node) =>
        store.Get(ResourceCatalog.Nodes, null, node)?["status"]?["declaredFeatures"] is System.Text.Json.Nodes.JsonArray features
        && features.Any(f => f?.GetValue<string>() == ExtendWebSocketsToKubelet);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var kubelet in _kubelets)
        {
            await kubelet.DisposeAsync();
        }

        await Task.WhenAll(_runtimes);
        _stopping.Dispose();
    }
}
