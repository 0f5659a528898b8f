using System.Collections.Concurrent;
using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Store;
using k8s;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// The container runtime of one node: watches the store (in process) for pods bound to the node, starts their
/// containers as host processes when they appear and kills them when the pod is deleted. Pods keep the IP the
/// scenario gave them; new pods get the next free <c>127.B.(10+N).x</c>.
/// </summary>
internal sealed class NodeRuntime(NodeRuntimeSettings settings, ResourceStore store, SandboxPki pki, ProcessRegistry registry, TimeProvider timeProvider, ILogger logger)
{
    private readonly ConcurrentDictionary<string, RunningPod> _pods = new(StringComparer.Ordinal);

    public string NodeName => settings.NodeName;

    /// <summary>The network the node's kubelet and pods live in.</summary>
    public Network.NodeNetwork Network => settings.Network;

    /// <summary>The running pod named so, if it runs on this node.</summary>
    public RunningPod? Find(string @namespace, string name) =>
        _pods.Values.FirstOrDefault(p => p.Context.Namespace == @namespace && p.Context.Name == name);

    public IReadOnlyList<RunningPod> Pods => [.. _pods.Values];

    public async Task RunAsync(CancellationToken stopping)
    {
        using var watch = store.Typed.Watch<V1Pod>();
        foreach (var pod in store.Typed.List<V1Pod>())
        {
            Reconcile(WatchEventType.Added, pod);
        }

        try
        {
            await foreach (var change in watch.Events.ReadAllAsync(stopping))
            {
                Reconcile(change.Type, TypedResourceStore.FromJson<V1Pod>(change.Resource));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(_pods.Values.Select(p => p.DisposeAsync().AsTask()));
            _pods.Clear();
        }
    }

    private void Reconcile(WatchEventType type, V1Pod pod)
    {
        try
        {
            ReconcileCore(type, pod);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            RuntimeLog.PodFailed(logger, e, settings.NodeName, $"{pod.Metadata?.NamespaceProperty}/{pod.Metadata?.Name}");
        }
    }

    private void ReconcileCore(WatchEventType type, V1Pod pod)
    {
        if (pod.Spec?.NodeName != settings.NodeName || pod.Metadata?.Uid is not { } uid)
        {
            return;
        }

        if (type == WatchEventType.Deleted)
        {
            if (_pods.TryRemove(uid, out var gone))
            {
                RuntimeLog.PodStopping(logger, settings.NodeName, gone.Context.ToString());
                _ = gone.DisposeAsync().AsTask();
            }

            return;
        }

        if (_pods.ContainsKey(uid) || pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return;
        }

        var context = new PodContext(pod, pod.Status?.PodIP is { Length: > 0 } ip ? ip : NextFreeIp(), settings.NodeAddress, Directory(pod), settings.ApiServerAddress, settings.Network);
        var running = new RunningPod(context, store, registry, timeProvider);
        if (!_pods.TryAdd(uid, running))
        {
            return;
        }

        if (System.IO.Directory.Exists(context.Directory))
        {
            System.IO.Directory.Delete(context.Directory, recursive: true); // a container starts from a clean filesystem
        }

        PodCertificates.Write(context, store, pki, timeProvider);
        RuntimeLog.PodStarting(logger, settings.NodeName, context.ToString(), context.Ip);
        running.Start();
    }

    private string Directory(V1Pod pod) => Path.Combine(settings.PodsDirectory, $"{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}");

    private string NextFreeIp()
    {
        var used = store.Typed.List<V1Pod>().Select(p => p.Status?.PodIP).Concat(_pods.Values.Select(p => p.Context.Ip)).ToHashSet(StringComparer.Ordinal);
        for (var number = 1; number <= 254; number++)
        {
            var candidate = settings.Plan.PodAddress(settings.NodeNumber, number).ToString();
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Node {settings.NodeName} has no free pod address left.");
    }
}
