using System.Security.Cryptography;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary><c>kubectl attach</c> (to the main process's output and stdin) and <c>kubectl cp</c> both ways, on both nodes.</summary>
public abstract class AttachCopyTests(SandboxFixture fixture)
{
    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    /// <summary>The kubeconfig context of <paramref name="user"/> on this path.</summary>
    protected string As(string user) => ContextPrefix + user;

    [Theory]
    [InlineData("node-a", "1.28", "")]
    [InlineData("node-b", "1.31", "true")]
    [InlineData("node-b", "1.33", "false")]
    public async Task Attach_Logger_ShowsItsLiveOutput(string node, string version, string websockets)
    {
        var pod = await fixture.Pods.CreateAsync(node, "attach-out", ["workload", "logger", "--interval=100ms", "--message=live"]);
        var environment = fixture.Environment.With(KubectlMatrix.RemoteCommandSwitch, websockets);

        await using var attach = Kubectl.Version(version).Start(environment, ["--context", As("admin"), "attach", "-n", SandboxPods.Namespace, pod]);

        await attach.WaitForLineAsync(l => l.StartsWith("live ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("node-a", "1.32", "true")]
    [InlineData("node-b", "1.29", "")]
    [InlineData("node-b", "1.33", "")]
    public async Task Attach_WithStdin_ReachesTheMainProcess(string node, string version, string websockets)
    {
        var pod = await fixture.Pods.CreateAsync(node, "attach-in", ["workload", "idle"], stdin: true);
        var environment = fixture.Environment.With(KubectlMatrix.RemoteCommandSwitch, websockets);
        var word = "hello-" + Guid.NewGuid().ToString("N")[..6];

        await using var attach = Kubectl.Version(version).Start(environment, ["--context", As("admin"), "attach", "-i", "-n", SandboxPods.Namespace, pod]);
        var typed = attach.TypeLineAsync(word);

        await attach.WaitForLineAsync(l => l.Contains(word, StringComparison.Ordinal), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await typed;
    }

    [Theory]
    [InlineData("node-a", "1.27")]
    [InlineData("node-b", "1.33")]
    public async Task Cp_BothWays_CopiesTheBytes(string node, string version)
    {
        var kubectl = Kubectl.Version(version);
        var pod = SandboxPods.ExecPod(node);
        var local = Path.Combine(Path.GetTempPath(), "apg-cp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(local);
        try
        {
            var data = RandomNumberGenerator.GetBytes(1024 * 1024);
            await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), data, TestContext.Current.CancellationToken);
            var remote = $"cp-{Guid.NewGuid():N}.bin";

            var up = await kubectl.RunAsync(fixture.Environment, ["--context", As("admin"), "cp", Path.Combine(local, "up.bin"), $"demo/{pod}:{remote}"], TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            var down = await kubectl.RunAsync(fixture.Environment, ["--context", As("admin"), "cp", $"demo/{pod}:{remote}", Path.Combine(local, "down.bin")], TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

            Assert.True(up.Succeeded, up.ToString());
            Assert.True(down.Succeeded, down.ToString());
            Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(fixture.Host.PodsDirectory, $"demo_{pod}", pod, remote), TestContext.Current.CancellationToken));
            Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(local, "down.bin"), TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }
}
