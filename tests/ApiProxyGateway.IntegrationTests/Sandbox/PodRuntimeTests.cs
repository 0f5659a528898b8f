using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>Pods as host processes: status follows the processes, restart policy, previous logs, deletion kills.</summary>
public sealed class PodRuntimeTests(KubeletFixture fixture) : IClassFixture<KubeletFixture>
{
    [Fact]
    public async Task Pod_RestartNeverExitingThree_IsFailedWithExitCodeThree()
    {
        var name = Create("Never", ["sh", "-c", "echo bye; exit 3"]);

        var pod = await fixture.WaitForPodAsync("demo", name, p => p.Status?.Phase == "Failed");

        var terminated = pod.Status.ContainerStatuses[0].State.Terminated;
        Assert.Equal(3, terminated.ExitCode);
        Assert.Equal("Error", terminated.Reason);
        Assert.Equal(0, pod.Status.ContainerStatuses[0].RestartCount);
    }

    [Fact]
    public async Task Pod_RestartOnFailure_RestartsAndKeepsThePreviousLog()
    {
        var name = Create("OnFailure", ["workload", "logger", "--interval=10ms", "--count=2", "--exit-code=1", "--message=attempt"]);

        var pod = await fixture.WaitForPodAsync("demo", name, p => p.Status?.ContainerStatuses?.FirstOrDefault()?.RestartCount >= 1, TimeSpan.FromSeconds(30));
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient("legacy", identity);
        var previous = await client.GetStringAsync($"/containerLogs/demo/{name}/main?previous=true", TestContext.Current.CancellationToken);

        Assert.Equal("attempt 1\nattempt 2\n", previous);
        Assert.Equal("Running", pod.Status.Phase);
        Assert.Equal(1, pod.Status.ContainerStatuses[0].LastState.Terminated.ExitCode);
    }

    [Fact]
    public async Task Pod_Deleted_ItsProcessIsKilled()
    {
        var before = fixture.Host.Processes.StartedProcessIds.Count;
        var name = Create("Always", ["workload", "idle"]);
        var pod = await fixture.WaitForPodAsync("demo", name, p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null);
        var started = fixture.LiveProcessesSince(before);
        Assert.NotEmpty(started);

        fixture.Host.Store.Typed.Delete<V1Pod>("demo", name);

        await TestWait.UntilAsync(() => !started.Any(ProcessRegistry.IsAlive), "the deleted pod's processes are gone from /proc", TimeSpan.FromSeconds(15));

        Assert.Equal("Running", pod.Status.Phase);
    }

    [Fact]
    public async Task Pod_Environment_HasThePodIdentityAndItsOwnDirectory()
    {
        var name = Create("Never", ["sh", "-c", "echo $POD_NAME $POD_NAMESPACE $POD_IP $NODE_NAME $GREETING; pwd"], ("GREETING", "hi-$(POD_NAME)"));
        var pod = await fixture.WaitForPodAsync("demo", name, p => p.Status?.Phase == "Succeeded");
        using var identity = fixture.ApiServerKubeletClient();
        using var client = fixture.KubeletClient("legacy", identity);

        var log = await client.GetStringAsync($"/containerLogs/demo/{name}/main", TestContext.Current.CancellationToken);

        Assert.Equal($"{name} demo {pod.Status.PodIP} legacy hi-{name}\n{Path.Combine(fixture.Host.PodsDirectory, "demo_" + name, "main")}\n", log);
        Assert.StartsWith("127.", pod.Status.PodIP, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_SandboxWithRunningPods_LeavesNoProcessBehind()
    {
        var directory = Path.Combine(Path.GetTempPath(), "apg-dispose-" + Guid.NewGuid().ToString("N")[..8]);
        IReadOnlyList<int> started;
        try
        {
            var host = await TestSandbox.StartAsync(TestSandbox.Options(directory, gatewayArguments: null), TestContext.Current.CancellationToken);
            try
            {
                await TestWait.UntilAsync(() => host.Processes.StartedProcessIds.Count(ProcessRegistry.IsAlive) >= 3, "the three default pods (started in the background) have live processes", TimeSpan.FromSeconds(20));
            }
            finally
            {
                started = host.Processes.StartedProcessIds;
                await host.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        Assert.True(started.Count >= 3);
        Assert.DoesNotContain(started, ProcessRegistry.IsAlive);
    }

    private string Create(string restartPolicy, string[] command, params (string Name, string Value)[] env)
    {
        var name = "rt-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Host.Store.Typed.Create(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "demo" },
            Spec = new V1PodSpec
            {
                NodeName = "legacy",
                RestartPolicy = restartPolicy,
                Containers = [new V1Container { Name = "main", Image = "sandbox.apiproxygateway.io/workload:latest", Command = command, Env = [.. env.Select(e => new V1EnvVar { Name = e.Name, Value = e.Value })] }],
            },
        });
        return name;
    }
}
