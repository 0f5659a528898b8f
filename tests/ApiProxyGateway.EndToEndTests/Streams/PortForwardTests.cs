using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ApiProxyGateway.EndToEndTests.Infrastructure;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.EndToEndTests.Streams;

/// <summary>
/// <c>kubectl port-forward</c> over the direct contexts with every kubectl version and every
/// KUBECTL_PORT_FORWARD_WEBSOCKETS value, on both nodes (node-a: the API server tunnels WebSocket to SPDY; node-b
/// declares ExtendWebSocketsToKubelet: the tunnel passes through), two connections at once.
/// </summary>
public abstract partial class PortForwardTests(SandboxFixture fixture)
{
    /// <summary>"direct-" (the simulated API server's own kubelet path) or "" (through the gateway).</summary>
    protected abstract string ContextPrefix { get; }

    /// <summary>The kubeconfig context of <paramref name="user"/> on this path.</summary>
    protected string As(string user) => ContextPrefix + user;

    public static TheoryData<string, string> Pairs => KubectlMatrix.Pairs();

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task PortForward_TwoConcurrentConnections_EchoTheirBytes(string version, string websockets)
    {
        var node = KubectlMatrix.NodeFor(version, websockets);
        await ForwardAndEchoAsync(Kubectl.Version(version), node, websockets, 256 * 1024);
    }

    [Theory]
    [InlineData("node-a", "true")]
    [InlineData("node-a", "false")]
    [InlineData("node-b", "true")]
    [InlineData("node-b", "false")]
    public Task PortForward_TwentyMegabytes_ArriveIntact(string node, string websockets) =>
        ForwardAndEchoAsync(Kubectl.Default, node, websockets, 20 * 1024 * 1024);

    [Fact]
    public async Task PortForward_ClosedPort_ReportsTheError()
    {
        await using var forward = Kubectl.Default.Start(fixture.Environment, ["--context", As("admin"), "port-forward", "-n", "demo", "pod/web", ":9"]);
        var port = LocalPort(await forward.WaitForLineAsync(l => l.StartsWith("Forwarding from 127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        using var client = new HttpClient();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://127.0.0.1:{port}/"), TestContext.Current.CancellationToken));

        await WaitForErrorAsync(forward, "connect: connection refused");
    }

    private async Task ForwardAndEchoAsync(Kubectl kubectl, string node, string websockets, int size)
    {
        var pod = await fixture.Pods.WebAsync(node);
        var environment = fixture.Environment.With(KubectlMatrix.PortForwardSwitch, websockets);
        await using var forward = kubectl.Start(environment, ["--context", As("admin"), "port-forward", "-n", SandboxPods.Namespace, $"pod/{pod}", ":8080"]);
        var line = await forward.WaitForLineAsync(l => l.StartsWith("Forwarding from 127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var port = LocalPort(line);

        try
        {
            await Task.WhenAll(EchoAsync(port, size), EchoAsync(port, size));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"Forwarding through {forward.Command} failed. kubectl said:{Environment.NewLine}{forward}", e);
        }
    }

    /// <summary>
    /// Over one connection: uploads random bytes and compares the server's SHA-256 of them, then downloads random bytes
    /// and compares them with the hash the server sent along (no full-duplex echo: HttpClient does not read while it sends).
    /// </summary>
    private static async Task EchoAsync(int port, int size)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };
        var data = RandomNumberGenerator.GetBytes(size);
        using var content = new ByteArrayContent(data);
        using var upload = await client.PostAsync(new Uri($"http://127.0.0.1:{port}/sha256"), content, TestContext.Current.CancellationToken);
        var uploaded = await upload.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var download = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/bytes?n={size}"), TestContext.Current.CancellationToken);
        var downloaded = await download.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), uploaded);
        Assert.Equal(size, downloaded.Length);
        Assert.Equal(download.Headers.GetValues("X-Content-SHA256").Single(), Convert.ToHexStringLower(SHA256.HashData(downloaded)));
    }

    private static int LocalPort(string line) => int.Parse(ForwardingLine().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    // stderr has no line waiter: poll it.
    private static Task WaitForErrorAsync(KubectlProcess forward, string text) =>
        TestWait.UntilAsync(() => forward.Error.Contains(text, StringComparison.Ordinal), $"kubectl port-forward's stderr contains \"{text}\"", TimeSpan.FromSeconds(30));

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) ->")]
    private static partial Regex ForwardingLine();
}
