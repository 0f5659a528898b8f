using System.Globalization;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary><c>kubectl logs</c> over the direct contexts, every option, following, and previous instances, on both nodes.</summary>
public abstract class LogsTests(SandboxFixture fixture)
{
    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    /// <summary>The kubeconfig context of <paramref name="user"/> on this path.</summary>
    protected string As(string user) => ContextPrefix + user;

    [Theory]
    [InlineData("node-a", "1.27")]
    [InlineData("node-b", "1.30")]
    [InlineData("node-a", "1.33")]
    public async Task Logs_EachOption_SelectsLikeTheKubelet(string node, string version)
    {
        var pod = await fixture.Pods.CreateAsync(node, "logs", ["workload", "logger", "--interval=10ms", "--count=5", "--message=entry"], restartPolicy: "Never");
        await fixture.Pods.WaitAsync(pod, p => p.Status?.Phase == "Succeeded");
        var kubectl = Kubectl.Version(version);
        Task<KubectlResult> Logs(params string[] options) =>
            kubectl.RunAsync(fixture.Environment, ["--context", As("admin"), "logs", "-n", SandboxPods.Namespace, pod, .. options], cancellationToken: TestContext.Current.CancellationToken);

        var all = await Logs();
        var tail = await Logs("--tail=2");
        var limited = await Logs("--limit-bytes=10");
        var stamped = await Logs("--timestamps", "--tail=1");
        var since = await Logs("--since=1h");
        var future = await Logs($"--since-time={DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");
        var previous = await Logs("--previous");

        Assert.Equal("entry 1\nentry 2\nentry 3\nentry 4\nentry 5\n", all.StandardOutput);
        Assert.Equal("entry 4\nentry 5\n", tail.StandardOutput);
        Assert.Equal("entry 1\nen", limited.StandardOutput);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z entry 5\n$", stamped.StandardOutput);
        Assert.Equal(all.StandardOutput, since.StandardOutput);
        Assert.Equal("", future.StandardOutput);
        Assert.True(future.Succeeded, future.ToString());
        Assert.Equal(1, previous.ExitCode);
        Assert.Contains($"previous terminated container \"main\" in pod \"{pod}\" not found", previous.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node-a", "1.29")]
    [InlineData("node-b", "1.32")]
    public async Task LogsFollow_RunningContainer_StreamsUntilItEnds(string node, string version)
    {
        var pod = await fixture.Pods.CreateAsync(node, "follow", ["workload", "logger", "--interval=200ms", "--count=15", "--message=tick"], restartPolicy: "Never");

        // Until its container has started, a kubelet refuses its logs ("waiting to start"), to kubectl as to anyone.
        await fixture.Pods.WaitAsync(pod, p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State is { Running: not null } or { Terminated: not null });
        await using var follow = Kubectl.Version(version).Start(fixture.Environment, ["--context", As("admin"), "logs", "-f", "-n", SandboxPods.Namespace, pod]);

        await follow.WaitForLineAsync(l => l == "tick 15", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => $"tick {i}"), follow.Output.Split(Environment.NewLine));
    }

    [Fact]
    public async Task LogsPrevious_AfterARestart_ShowsTheEndedInstance()
    {
        var pod = await fixture.Pods.CreateAsync("node-b", "previous", ["workload", "logger", "--interval=10ms", "--count=2", "--exit-code=1", "--message=attempt"], restartPolicy: "OnFailure");
        await fixture.Pods.WaitAsync(pod, p => p.Status?.ContainerStatuses?.FirstOrDefault()?.RestartCount >= 1);

        var previous = await fixture.KubectlAsync("--context", As("admin"), "logs", "--previous", "-n", SandboxPods.Namespace, pod);
        var status = await fixture.KubectlAsync("--context", As("admin"), "get", "pod", "-n", SandboxPods.Namespace, pod, "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}");

        Assert.Equal("attempt 1\nattempt 2\n", previous.StandardOutput);
        Assert.Equal("1", status.StandardOutput);
    }
}
