using System.Net.WebSockets;
using System.Security.Cryptography;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class SpdyWebSocketTunnelTests
{
    [Fact]
    public async Task Tunnel_SpdySessionsOverWebSocketMessages_CarryPortForwardData()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        // No SubProtocol here: .NET rejects the '/' in "SPDY/3.1+portforward.k8s.io" (see SpdyWebSocketTunnel).
        var clientSocket = WebSocket.CreateFromStream(a, new WebSocketCreationOptions { IsServer = false });
        var serverSocket = WebSocket.CreateFromStream(b, new WebSocketCreationOptions { IsServer = true });
        await using var client = SpdySession.CreateClient(SpdyWebSocketTunnel.AsStream(clientSocket));
        await using var server = SpdySession.CreateServer(SpdyWebSocketTunnel.AsStream(serverSocket));
        await using var forwarder = PortForwardServer.Start(server);
        var payload = RandomNumberGenerator.GetBytes(1024 * 1024);

        await using var connection = await PortForwardConnection.OpenAsync(client, 8080, 0, ct);
        await using var pair = (await forwarder.AcceptAsync(ct))!;
        var receiving = SpdySessionTests.ReadAllAsync(pair.Data, ct);
        await connection.Data.WriteAndCloseAsync(payload, ct);
        var received = await receiving;
        await pair.WriteErrorAsync("refused", ct);

        Assert.Equal((8080, "0"), (pair.Port, pair.RequestId));
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));
        Assert.Equal("refused", await connection.Error.WaitAsync(ct));
    }

    [Theory]
    [InlineData("SPDY/3.1+portforward.k8s.io", "SPDY/3.1+portforward.k8s.io")]
    [InlineData("v4.channel.k8s.io, SPDY/3.1+portforward.k8s.io", "SPDY/3.1+portforward.k8s.io")]
    [InlineData("portforward.k8s.io", null)]
    public void SelectProtocol_OfferedWebSocketProtocols_PicksTheTunnel(string offered, string? expected)
    {
        Assert.Equal(expected, SpdyWebSocketTunnel.SelectProtocol([offered]));
    }

    [Fact]
    public void InnerProtocol_TunnelName_StripsTheSpdyPrefix()
    {
        Assert.Equal("portforward.k8s.io", SpdyWebSocketTunnel.InnerProtocol("SPDY/3.1+portforward.k8s.io"));
        Assert.Throws<ArgumentException>(() => SpdyWebSocketTunnel.InnerProtocol("portforward.k8s.io"));
    }
}
