using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ApiProxyGateway.Tests.Support;

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
        var deadline = TestWait.Timeout(TestWait.OperationTimeout);
        var before = fixture.Server.StreamingRequests.Count;
        var environment = fixture.Environment.With("KUBECTL_PORT_FORWARD_WEBSOCKETS", websockets ?? "");
        await using var kubectl = Kubectl.Version(version).Start(
            environment, ["--request-timeout=20s", "port-forward", "--address", "127.0.0.1", $"pod/{FakeKubeApiServer.PodName}", $":{FakeKubeApiServer.PodPort}"]);

        // kubectl prints the line once it listens on the local port.
        var forwarding = await kubectl.WaitForLineAsync(line => ForwardingLine().IsMatch(line), TestWait.OperationTimeout, deadline);
        var localPort = int.Parse(ForwardingLine().Match(forwarding).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var results = await Task.WhenAll(EchoThroughAsync(localPort, 12 * 1024 * 1024, deadline), EchoThroughAsync(localPort, 12 * 1024 * 1024, deadline));

            Assert.All(results, r => Assert.Equal(r.Sent, r.Received));
            Assert.Equal([expectedTransport], fixture.RequestsSince(before));
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            Assert.Fail($"Forwarded connection failed: {ex.Message}\n{kubectl}");
        }
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
