using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary><c>kubectl exec -it</c> from a real terminal: the container gets a real pseudo-terminal of the size kubectl sent, and follows resizes.</summary>
public abstract class TerminalTests(SandboxFixture fixture)
{
    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    /// <summary>The kubeconfig context of <paramref name="user"/> on this path.</summary>
    protected string As(string user) => ContextPrefix + user;

    [Theory]
    [InlineData("1.27", "", "node-a")]
    [InlineData("1.30", "true", "node-b")]
    [InlineData("1.33", "false", "node-b")]
    [InlineData("1.33", "", "node-a")]
    public async Task ExecTty_TerminalSizeAndResize_ReachTheContainer(string version, string websockets, string node)
    {
        var environment = fixture.Environment.With(KubectlMatrix.RemoteCommandSwitch, websockets);
        string[] arguments = ["--context", As("admin"), "exec", "-it", "-n", "demo", SandboxPods.ExecPod(node), "--", "sh", "-c", "tty; stty size; while read line; do stty size; done"];
        await using var terminal = TerminalKubectl.Start(Kubectl.Version(version), environment, arguments, new TerminalSize(101, 33), fixture.TestProcesses);

        await terminal.WaitForAsync(o => o.Contains("33 101", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        terminal.Resize(new TerminalSize(120, 40));
        await terminal.WaitForAsync(o => o.Contains("40 120", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => terminal.TypeAsync("\r"));

        Assert.Matches(@"/dev/pts/\d+", terminal.Output);
    }
}
