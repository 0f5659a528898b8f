using ApiProxyGateway.Sandbox.Hosting;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Tests.Support;

/// <summary>Waits on the sandbox store's watch, not by polling, until a stored pod (whose status its node's runtime writes) satisfies a condition.</summary>
internal static class SandboxPodWait
{
    /// <summary>The pod as it was when it satisfied <paramref name="condition"/>; fails the test with its status when <paramref name="timeout"/> (<see cref="TestWait.OperationTimeout"/>: a pod's process starts) ends first.</summary>
    public static async Task<V1Pod> UntilAsync(SandboxHost host, string ns, string name, Func<V1Pod, bool> condition, TimeSpan? timeout = null, string what = "reaches the expected state")
    {
        using var watch = host.Store.Typed.Watch<V1Pod>(ns);
        V1Pod? found = null;
        await TestWait.UntilAsync(
            () => host.Store.Typed.Get<V1Pod>(ns, name) is { } pod && condition(found = pod),
            () =>
            {
                while (watch.Events.TryRead(out _))
                {
                    // Seen: the check that follows reads the store as it is now.
                }

                return watch.Events.WaitToReadAsync().AsTask();
            },
            $"pod {ns}/{name} {what}",
            timeout ?? TestWait.OperationTimeout,
            TestContext.Current.CancellationToken,
            () => $"Its status: {host.Store.Get(ResourceCatalog.Pods, ns, name)?["status"]}");
        return found!; // the wait ends only once a pod satisfied the condition
    }
}
