using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;
using k8s.Models;

namespace ApiProxyGateway.EndToEndTests;

/// <summary>
/// The <see cref="KubeletFaultTests"/> with the gateway dialling kubelets itself, and the real kubectl through it when
/// pods are replaced or the API server is gone.
/// </summary>
public sealed class GatewayFaultTests(FaultSandboxFixture fixture) : KubeletFaultTests(fixture), IClassFixture<FaultSandboxFixture>
{
    [Fact]
    public async Task DeveloperWithoutRights_ExecInKubeSystem_IsForbiddenOverWebSocketAndSpdy()
    {
        foreach (var websockets in new[] { "true", "false" })
        {
            var result = await Kubectl.Default.RunAsync(
                Fixture.Environment.With(KubectlMatrix.RemoteCommandSwitch, websockets),
                ["--context", "creator", "exec", "-n", "kube-system", "talker", "--", "true"],
                cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("User \"creator\" cannot", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("in the namespace \"kube-system\"", result.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RecreatedPod_SameName_IsReachedAsTheNewInstanceOnly()
    {
        var name = "again-" + Guid.NewGuid().ToString("N")[..6];
        var first = await CreateLoggerAsync(name, "first-instance");
        Fixture.Host.Store.Typed.Delete<V1Pod>("demo", name);
        var second = await CreateLoggerAsync(name, "second-instance");

        var logs = await WaitForLogsAsync(name, "second-instance");
        var exec = await Fixture.KubectlAsync("--context", "admin", "exec", "-n", "demo", name, "--", "sh", "-c", "echo $POD_NAME");

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("first-instance", logs, StringComparison.Ordinal);
        Assert.True(exec.Succeeded, exec.ToString());
        var kubeletPaths = Fixture.Host.KubeletRequestLog.Entries.Where(e => e.PathAndQuery.StartsWith($"/exec/demo/{name}/", StringComparison.Ordinal)).Select(e => e.PathAndQuery).ToArray();
        Assert.NotEmpty(kubeletPaths);
        Assert.All(kubeletPaths, path => Assert.StartsWith($"/exec/demo/{name}/{second}/", path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiServerDown_StreamRequests_AreRefusedNotAllowed()
    {
        await Fixture.Host.StopApiServerAsync(TestContext.Current.CancellationToken);
        try
        {
            var exec = await Fixture.KubectlAsync("--context", "admin", "exec", "-n", "demo", "talker", "--", "true");
            using var client = Fixture.Host.CreateGatewayClient("admin");
            using var logs = await client.GetAsync("/api/v1/namespaces/demo/pods/talker/log", TestContext.Current.CancellationToken);

            Assert.NotEqual(0, exec.ExitCode);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, logs.StatusCode);
            Assert.Contains("could not be authorized", await logs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        finally
        {
            await Fixture.Host.StartApiServerAsync(TestContext.Current.CancellationToken);
        }
    }

    private async Task<string> CreateLoggerAsync(string name, string message)
    {
        var pod = Fixture.Host.Store.Typed.Create(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "demo" },
            Spec = new V1PodSpec
            {
                NodeName = "legacy",
                Containers = [new V1Container { Name = "main", Command = ["workload", "logger", "--interval=100ms", $"--message={message}"] }],
            },
        });
        await TestWait.UntilAsync(() => Fixture.Host.Store.Typed.Get<V1Pod>("demo", name) is { Status.Phase: "Running" }, $"pod demo/{name} is Running", TimeSpan.FromSeconds(30));

        return pod.Metadata.Uid;
    }

    private async Task<string> WaitForLogsAsync(string name, string expected)
    {
        var logs = "";
        await TestWait.UntilAsync(async _ =>
        {
            var result = await Fixture.KubectlAsync("--context", "admin", "logs", "-n", "demo", name);
            logs = result.StandardOutput;
            return result.Succeeded && logs.Contains(expected, StringComparison.Ordinal);
        }, $"kubectl logs {name} shows \"{expected}\"", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return logs;
    }
}
