using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests;

public sealed class KubectlWatchTests(SandboxFixture fixture)
{
    [Fact]
    public async Task GetWatch_ConfigMapsCreatedLater_ArePrintedAcrossAQuietPeriod()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var ns = "watch-" + Guid.NewGuid().ToString("N")[..6];
        fixture.Host.Store.Typed.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await using var watch = Kubectl.Default.Start(fixture.Environment, ["--context", "direct-admin", "get", "configmaps", "-n", ns, "--watch"]);

        // The watch is open once the sandbox has received kubectl's watch request for this namespace.
        await TestWait.UntilAsync(
            _ => Task.FromResult(fixture.Host.RequestLog.Entries.Any(e => e.PathAndQuery.StartsWith($"/api/v1/namespaces/{ns}/configmaps?", StringComparison.Ordinal)
                && e.PathAndQuery.Contains("watch=true", StringComparison.Ordinal))),
            $"the sandbox has received kubectl's watch request for namespace {ns}",
            TimeSpan.FromSeconds(15),
            cancellation,
            watch.ToString);

        fixture.Host.Store.Typed.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "first", NamespaceProperty = ns } });
        await watch.WaitForLineAsync(l => l.StartsWith("first ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), cancellation);

        // The quiet period is what this test is about: nothing happens for 5 s and the watch must stay open.
        Assert.True(await watch.StaysRunningForAsync(TimeSpan.FromSeconds(5), cancellation), watch.ToString());

        fixture.Host.Store.Typed.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "second", NamespaceProperty = ns } });
        await watch.WaitForLineAsync(l => l.StartsWith("second ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), cancellation);
    }
}
