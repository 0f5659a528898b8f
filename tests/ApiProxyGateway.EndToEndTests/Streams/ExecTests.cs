using System.Security.Cryptography;
using System.Text;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>
/// <c>kubectl exec</c> over both paths — the direct contexts (the simulated API server → simulated kubelets) and the gateway contexts (the gateway → the same kubelets), with every kubectl
/// version and every KUBECTL_REMOTE_COMMAND_WEBSOCKETS value, on both nodes (node-a: the API server translates
/// WebSocket v5 to SPDY; node-b declares ExtendWebSocketsToKubelet: WebSockets pass through).
/// </summary>
public abstract class ExecTests(SandboxFixture fixture)
{
    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    /// <summary>The kubeconfig context of <paramref name="user"/> on this path.</summary>
    protected string As(string user) => ContextPrefix + user;

    public static TheoryData<string, string> Pairs => KubectlMatrix.Pairs();

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Exec_StdinStdoutStderrAndExitCode_TravelLikeAKubelet(string version, string websockets)
    {
        var node = KubectlMatrix.NodeFor(version, websockets);
        var pod = SandboxPods.ExecPod(node);
        var environment = fixture.Environment.With(KubectlMatrix.RemoteCommandSwitch, websockets);
        using var output = new MemoryStream();

        var result = await Kubectl.Version(version).RunBinaryAsync(
            environment,
            ["--context", As("admin"), "exec", "-i", "-n", "demo", pod, "--", "sh", "-c", "cat; echo \"on $NODE_NAME\"; echo oops >&2; exit 3"],
            Encoding.UTF8.GetBytes("line one\nline two\n"),
            output,
            TimeSpan.FromSeconds(30),
            TestContext.Current.CancellationToken);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"line one\nline two\non {node}\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Contains("oops", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("command terminated with exit code 3", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node-a", "true")]
    [InlineData("node-a", "false")]
    [InlineData("node-b", "true")]
    [InlineData("node-b", "false")]
    public async Task Exec_TwentyMegabytesOfOutput_ArriveIntact(string node, string websockets)
    {
        var pod = SandboxPods.ExecPod(node);
        var environment = fixture.Environment.With(KubectlMatrix.RemoteCommandSwitch, websockets);
        var file = $"big-{Guid.NewGuid():N}.bin";
        var made = await fixture.KubectlAsync("--context", As("admin"), "exec", "-n", "demo", pod, "--", "sh", "-c", $"head -c 20971520 /dev/urandom > {file} && sha256sum {file}");
        Assert.True(made.Succeeded, made.ToString());
        using var output = new MemoryStream();

        var result = await Kubectl.Default.RunBinaryAsync(
            environment, ["--context", As("admin"), "exec", "-n", "demo", pod, "--", "cat", file], [], output, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(20 * 1024 * 1024, output.Length);
        Assert.Equal(made.StandardOutput.Split(' ')[0], Convert.ToHexStringLower(SHA256.HashData(output.ToArray())));
    }

    [Fact]
    public async Task Exec_UnknownCommand_FailsWithTheRuntimesMessage()
    {
        var result = await fixture.KubectlAsync("--context", As("admin"), "exec", "-n", "demo", "shell", "--", "no-such-command-here");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("executable file not found in $PATH", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_ViewerWithoutCreatePodsExec_IsForbidden()
    {
        var result = await fixture.KubectlAsync("--context", As("viewer"), "exec", "-n", "demo", "shell", "--", "true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot create resource \"pods/exec\" in API group \"\" in the namespace \"demo\"", result.StandardError, StringComparison.Ordinal);
    }
}
