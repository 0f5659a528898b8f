using System.Text;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Sandbox.Runtime;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests;

/// <summary><c>kubectl create -f</c> starts a pod's processes, <c>kubectl get</c> shows them running, <c>kubectl delete</c> kills them.</summary>
public sealed class KubectlPodLifecycleTests(SandboxFixture fixture)
{
    [Fact]
    public async Task CreateGetDelete_PodFromKubectl_StartsAndKillsItsProcess()
    {
        var name = "lifecycle-" + Guid.NewGuid().ToString("N")[..6];
        var manifest = $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
              namespace: {SandboxPods.Namespace}
            spec:
              nodeName: node-b
              containers:
              - name: main
                image: sandbox.apiproxygateway.io/workload:latest
                command: [workload, idle]
            """;
        var before = fixture.Host.Processes.StartedProcessIds.Count;
        using var output = new MemoryStream();

        // --validate=false: the simulated API server serves no OpenAPI documents for kubectl's client-side validation.
        var created = await Kubectl.Default.RunBinaryAsync(
            fixture.Environment, ["--context", "direct-admin", "create", "--validate=false", "-f", "-"], Encoding.UTF8.GetBytes(manifest), output, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(created.Succeeded, created.ToString());
        await fixture.Pods.WaitRunningAsync(name);
        // Only this pod's processes: other pods of the sandbox (a restarting container) may start processes meanwhile.
        var started = fixture.Host.Processes.StartedProcessIds.Skip(before).Where(ProcessRegistry.IsAlive).Where(pid => PodName(pid) == name).ToList();
        var listed = await fixture.KubectlAsync("--context", "direct-admin", "get", "pod", "-n", SandboxPods.Namespace, name);
        var deleted = await fixture.KubectlAsync("--context", "direct-admin", "delete", "pod", "-n", SandboxPods.Namespace, name, "--wait=false");

        Assert.Matches($@"(?m)^{name}\s+1/1\s+Running\s+0\s", listed.StandardOutput);
        Assert.True(deleted.Succeeded, deleted.ToString());
        Assert.NotEmpty(started);
        await TestWait.UntilAsync(() => !started.Any(ProcessRegistry.IsAlive), "the deleted pod's processes are gone from /proc", TimeSpan.FromSeconds(15));
    }

    /// <summary>The POD_NAME in a process's environment (the sandbox sets it for every container process), or null.</summary>
    private static string? PodName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').FirstOrDefault(v => v.StartsWith("POD_NAME=", StringComparison.Ordinal))?["POD_NAME=".Length..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone, or not ours to read
        }
    }
}
