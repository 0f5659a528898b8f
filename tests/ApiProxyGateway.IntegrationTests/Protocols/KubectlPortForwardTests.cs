using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>The real kubectl port-forwards through ApiProxyGateway.Protocols' SPDY server and WebSocket tunnel.</summary>
public sealed partial class KubectlPortForwardTests(KubectlInteropFixture fixture) : IClassFixture<KubectlInteropFixture>
{
    /// <summary>kubectl version, KUBECTL_PORT_FORWARD_WEBSOCKETS value, and the transport the server must see.</summary>
    public static TheoryData<string, string?, string> Transports => new()
    {
        { "1.27", null, "portforward spdy portforward.k8s.io" },
        { "1.33", null, "portforward tunnel SPDY/3.1+portforward.k8s.io" },
        { "1.33", "false", "portforward spdy portforward.k8s.io" },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task KubectlPortForward_TwoConcurrentConnections_CarryMegabytesBothWays(string version, string? websockets, string expectedTransport)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(45));
        var before = fixture.Server.StreamingRequests.Count;
        var environment = websockets is null ? [] : new Dictionary<string, string> { ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = websockets };
        using var kubectl = Kubectl.Start(
            Kubectl.Find(version), fixture.Kubeconfig, fixture.CacheDirectory,
            ["port-forward", "--address", "127.0.0.1", $"pod/{FakeKubeApiServer.PodName}", $":{FakeKubeApiServer.PodPort}"], environment);
        var stderr = kubectl.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            var localPort = await ReadForwardingPortAsync(kubectl, stderr, deadline.Token);

            var results = await Task.WhenAll(EchoThroughAsync(localPort, 12 * 1024 * 1024, deadline.Token), EchoThroughAsync(localPort, 12 * 1024 * 1024, deadline.Token));

            Assert.All(results, r => Assert.Equal(r.Sent, r.Received));
            Assert.Equal([expectedTransport], fixture.RequestsSince(before));
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            kubectl.Kill(entireProcessTree: true);
            Assert.Fail($"Forwarded connection failed: {ex.Message}\nkubectl stderr:\n{await stderr}");
        }
        finally
        {
            if (!kubectl.HasExited)
            {
                kubectl.Kill(entireProcessTree: true);
            }

            await kubectl.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task<int> ReadForwardingPortAsync(System.Diagnostics.Process kubectl, Task<string> stderr, CancellationToken cancellationToken)
    {
        while (await kubectl.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (ForwardingLine().Match(line) is { Success: true } match)
            {
                // Keep draining stdout ("Handling connection for 80") so kubectl never blocks on a full pipe.
                _ = kubectl.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"kubectl port-forward ended before forwarding: {await stderr}");
        return 0;
    }

    private static async Task<(string Sent, string Received)> EchoThroughAsync(int port, int length, CancellationToken cancellationToken)
    {
        var payload = RandomNumberGenerator.GetBytes(length);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var sending = Task.Run(async () =>
        {
            await stream.WriteAsync(payload, cancellationToken);
            socket.Shutdown(SocketShutdown.Send);
        }, cancellationToken);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, cancellationToken);
        await sending;
        return (Convert.ToHexString(SHA256.HashData(payload)), Convert.ToHexString(SHA256.HashData(received.ToArray())));
    }

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:(\d+) -> \d+")]
    private static partial Regex ForwardingLine();
}
