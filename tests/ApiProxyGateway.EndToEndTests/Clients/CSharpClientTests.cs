using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;
using k8s;

namespace ApiProxyGateway.EndToEndTests.Clients;

/// <summary>
/// The official C# client (KubernetesClient) on both paths: exec and port-forward over its WebSocket
/// (<c>v4.channel.k8s.io</c>) on both nodes, and a followed log that must open before anything is written.
/// </summary>
public abstract class CSharpClientTests(SandboxFixture fixture)
{
    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task Exec_EchoAndExitCode_ComeBackFromTheStatusChannel(string node)
    {
        using var client = Client("admin");
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        string? output = null;

        var exitCode = await client.NamespacedPodExecAsync(
            SandboxPods.ExecPod(node), "demo", "", ["sh", "-c", "echo \"hi from $NODE_NAME\"; exit 3"], false,
            async (_, stdout, _) => output = await new StreamReader(stdout).ReadToEndAsync(ct),
            ct).WaitAsync(ct);

        Assert.Equal(3, exitCode);
        Assert.Equal($"hi from {node}\n", output);
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task Exec_FourMebibytesOfStdin_ArriveByteExact(string node)
    {
        using var client = Client("admin");
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var data = RandomNumberGenerator.GetBytes(4 << 20);
        string? digest = null;

        var exitCode = await client.NamespacedPodExecAsync(
            SandboxPods.ExecPod(node), "demo", "", ["sh", "-c", $"head -c {data.Length} | sha256sum | cut -d' ' -f1"], false,
            async (stdin, stdout, _) =>
            {
                // v4 cannot end stdin without ending the connection, so the command reads exactly what is sent.
                var reading = new StreamReader(stdout).ReadToEndAsync(ct);
                await stdin.WriteAsync(data, ct);
                await stdin.FlushAsync(ct);
                digest = (await reading).Trim();
            },
            ct).WaitAsync(ct); // the client does not give up on its own when the token is cancelled

        Assert.Equal(0, exitCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digest);
    }

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    public async Task PortForward_TwoRequestsOnOneConnection_BothAnswered(string node)
    {
        using var client = Client("admin");
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var pod = await fixture.Pods.WebAsync(node);

        using var socket = await client.WebSocketNamespacedPodPortForwardAsync(pod, SandboxPods.Namespace, [8080], "v4.channel.k8s.io", cancellationToken: ct);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        demuxer.Start();
        await using var stream = demuxer.GetStream((byte?)0, (byte?)0);
        var answers = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /bytes?n={i + 1} HTTP/1.1\r\nHost: web\r\n\r\n"), ct);
            answers.Add(await ReadResponseHeadAsync(stream, ct));
        }

        Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 200 OK", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FollowedLog_OfAQuietContainer_OpensBeforeAnyLine()
    {
        using var client = Client("admin");
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var pod = await fixture.Pods.CreateAsync("node-b", "quiet", ["workload", "idle"]);

        // The client returns once the response headers are in: on a container that never writes, only if every hop
        // sends them at once (kube-apiserver flushes them as soon as the kubelet answers; the sandbox kubelet answers at once).
        using var response = await client.CoreV1.ReadNamespacedPodLogWithHttpMessagesAsync(pod, SandboxPods.Namespace, follow: true, cancellationToken: ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.Response.StatusCode);
    }

    private k8s.Kubernetes Client(string user) =>
        new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.Host.KubeconfigPath, currentContext: ContextPrefix + user));

    /// <summary>Reads one HTTP response (head and a Content-Length body) and returns its head.</summary>
    private static async Task<string> ReadResponseHeadAsync(Stream stream, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end];
                var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).Single();
                if (received.Count >= end + 4 + length)
                {
                    return head;
                }
            }

            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            received.AddRange(buffer.AsSpan(0, read));
        }
    }
}
