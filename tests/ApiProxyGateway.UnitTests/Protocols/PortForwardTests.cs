using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class PortForwardTests
{
    [Fact]
    public async Task Accept_DataBeforeError_PairsByRequestIdAndReadsPortFromHeaders()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        await using var forwarder = PortForwardServer.Start(server);

        var dataA = await client.OpenStreamAsync(Headers("data", "8080", "7"), cancellationToken: ct);
        var dataB = await client.OpenStreamAsync(Headers("data", "9090", "8"), cancellationToken: ct);
        var errorB = await client.OpenStreamAsync(Headers("error", "9090", "8"), cancellationToken: ct);
        var errorA = await client.OpenStreamAsync(Headers("error", "8080", "7"), cancellationToken: ct);
        var first = await forwarder.AcceptAsync(ct);
        var second = await forwarder.AcceptAsync(ct);

        Assert.Equal(("8", 9090, dataB.Id, errorB.Id), (first!.RequestId, first.Port, first.Data.Id, first.Error.Id));
        Assert.Equal(("7", 8080, dataA.Id, errorA.Id), (second!.RequestId, second.Port, second.Data.Id, second.Error.Id));
    }

    [Fact]
    public async Task Accept_ClientWithoutRequestIds_PairsErrorWithTheNextDataStreamId()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        await using var forwarder = PortForwardServer.Start(server);

        await client.OpenStreamAsync(new SpdyHeaders { { "streamType", "error" }, { "port", "80" } }, cancellationToken: ct);
        await client.OpenStreamAsync(new SpdyHeaders { { "streamType", "data" }, { "port", "80" } }, cancellationToken: ct);
        var pair = await forwarder.AcceptAsync(ct);

        Assert.Equal(("1", 80), (pair!.RequestId, pair.Port));
    }

    [Fact]
    public async Task Accept_InvalidPortHeader_ReportsOnTheErrorStreamAndDeliversNoPair()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        await using var forwarder = PortForwardServer.Start(server);

        await using var connection = await PortForwardConnection.OpenAsync(client, 0, 1, ct);
        var error = await connection.Error.WaitAsync(ct);
        await client.DisposeAsync();

        Assert.Equal("error parsing port \"0\": invalid port", error);
        Assert.Null(await forwarder.AcceptAsync(ct));
    }

    [Fact]
    public async Task Accept_PairNeverCompleted_TimesOutWithAnErrorLikeTheKubelet()
    {
        var ct = TestWait.Timeout();
        var time = new FakeTimeProvider();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        await using var forwarder = PortForwardServer.Start(server, TimeSpan.FromSeconds(30), time);

        var error = await client.OpenStreamAsync(Headers("error", "80", "3"), cancellationToken: ct);
        var message = SpdySessionTests.ReadAllAsync(error, ct);
        await TestWait.UntilAsync(() => { time.Advance(TimeSpan.FromSeconds(31)); return message.IsCompleted; }, "the pair timed out");

        Assert.Equal("timed out waiting for streams", Encoding.UTF8.GetString(await message));
    }

    [Fact]
    public async Task ForwardAsync_EchoingPodPort_CarriesDataBothWaysAndPassesHalfClosesOn()
    {
        var ct = TestWait.Timeout();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var echo = EchoOnceAsync(listener, ct);
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        await using var forwarder = PortForwardServer.Start(server);
        var payload = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);

        await using var connection = await PortForwardConnection.OpenAsync(client, 80, 0, ct);
        await using var pair = (await forwarder.AcceptAsync(ct))!;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync((IPEndPoint)listener.LocalEndpoint, ct);
        var forwarding = pair.ForwardAsync(socket, ct);
        var echoed = SpdySessionTests.ReadAllAsync(connection.Data, ct);
        await connection.Data.WriteAndCloseAsync(payload, ct);

        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(await echoed));
        await forwarding;
        Assert.Null(await connection.Error.WaitAsync(ct));
        await echo;
    }

    private static SpdyHeaders Headers(string type, string port, string requestId) =>
        new() { { "streamType", type }, { "port", port }, { "requestID", requestId } };

    private static async Task EchoOnceAsync(TcpListener listener, CancellationToken ct)
    {
        using var socket = await listener.AcceptSocketAsync(ct);
        await using var stream = new NetworkStream(socket);
        await stream.CopyToAsync(stream, ct);
        socket.Shutdown(SocketShutdown.Send);
    }
}
