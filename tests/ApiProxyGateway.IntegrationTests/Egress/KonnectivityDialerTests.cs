using System.Net;
using System.Text;
using ApiProxyGateway.Egress;
using ApiProxyGateway.IntegrationTests.Protocols;
using ApiProxyGateway.Protocols.Konnectivity;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>The GRPC egress dialer against a real in-test Konnectivity ProxyService on a real Unix domain socket.</summary>
public sealed class KonnectivityDialerTests : IAsyncLifetime
{
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"apg-knp-{Guid.NewGuid():N}"[..16] + ".sock");
    private TestKonnectivityServer? _server;
    private KonnectivityDialer _dialer = null!;

    private TestKonnectivityServer Server => _server!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestKonnectivityServer.StartAsync(_socket);
        _dialer = new KonnectivityDialer(new UdsEgressServer(_socket), TimeProvider.System, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _dialer.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        File.Delete(_socket);
    }

    [Fact]
    public async Task Dial_ReachableTarget_CarriesBytesBothWaysInDataPacketsOfAtMost32KiB()
    {
        await using var echo = new EchoServer();
        var payload = RandomBytes(100 * 1024);

        await using var tunnel = await DialAsync(new IPEndPoint(IPAddress.Loopback, echo.Port));
        await tunnel.WriteAsync(payload, TestContext.Current.CancellationToken);
        var received = await ReadExactlyAsync(tunnel, payload.Length);

        Assert.Equal(payload, received);
        var server = await Server.TunnelAsync(1);
        var dial = Assert.Single(server.Received, p => p.Type == PacketType.DialReq).DialRequest;
        Assert.Equal("tcp", dial.Protocol);
        Assert.Equal($"127.0.0.1:{echo.Port}", dial.Address);
        Assert.NotEqual(0, dial.Random);
        var data = server.Received.Where(p => p.Type == PacketType.Data).ToArray();
        Assert.True(data.Length >= 4, $"100 KiB should go out in at least 4 DATA packets, not {data.Length}");
        Assert.All(data, p => Assert.InRange(p.Data.Data_.Length, 1, 32 * 1024));
        Assert.All(data, p => Assert.Equal(server.ConnectId, p.Data.ConnectID));
    }

    [Fact]
    public async Task Dial_AgentCannotDial_FailsWithTheServersWordsAndNoRetry()
    {
        Server.OnDial = _ => DialAnswer.Refuse("the Konnectivity agent for node-a is not connected");

        var failure = await Assert.ThrowsAsync<EgressException>(() => DialAsync(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 10250)));

        Assert.Equal(EgressFailure.Refused, failure.Failure);
        Assert.Equal($"the Konnectivity server (GRPC over unix:{_socket}) could not dial 10.0.0.5:10250: the Konnectivity agent for node-a is not connected", failure.Message);
        Assert.Single(Server.Tunnels);
    }

    [Fact]
    public async Task Dial_NoAnswerInTime_IsWithdrawnWithDialClsOfTheSameRandom()
    {
        Server.OnDial = _ => DialAnswer.Ignore;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await _dialer.DialAsync(new IPEndPoint(IPAddress.Loopback, 1), deadline.Token));

        var server = await Server.TunnelAsync(1);
        var withdrawn = await server.ReceivedAsync(PacketType.DialCls);
        Assert.Equal(server.Received.First(p => p.Type == PacketType.DialReq).DialRequest.Random, withdrawn.CloseDial.Random);
    }

    [Fact]
    public async Task Tunnel_ServerEndsItsStream_ReadsEndWithTheReason()
    {
        Server.OnDial = _ => DialAnswer.Echo;
        await using var tunnel = (KonnectivityTunnelStream)await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));

        (await Server.TunnelAsync(1)).End();

        Assert.Equal(0, await tunnel.ReadAsync(new byte[16], TestContext.Current.CancellationToken));
        Assert.Equal($"the Konnectivity server (GRPC over unix:{_socket}) ended the stream of the connection to 127.0.0.1:1", tunnel.EndReason);
    }

    [Fact]
    public async Task Tunnel_ServerClosesTheConnection_ReadsEndAndWritesFail()
    {
        Server.OnDial = _ => DialAnswer.Echo;
        await using var tunnel = (KonnectivityTunnelStream)await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));
        var server = await Server.TunnelAsync(1);

        server.Send(new Packet { Type = PacketType.CloseRsp, CloseResponse = new CloseResponse { ConnectID = server.ConnectId, Error = "connection reset by peer" } });

        Assert.Equal(0, await tunnel.ReadAsync(new byte[16], TestContext.Current.CancellationToken));
        Assert.EndsWith("closed the connection to 127.0.0.1:1: connection reset by peer", tunnel.EndReason, StringComparison.Ordinal);
        var write = await Assert.ThrowsAsync<IOException>(async () => await tunnel.WriteAsync("late"u8.ToArray(), TestContext.Current.CancellationToken));
        Assert.Contains("is closed", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tunnel_ServerResetsTheStreamMidway_ReadsFailWithAClearIOException()
    {
        Server.OnDial = _ => DialAnswer.Echo;
        await using var tunnel = await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));

        (await Server.TunnelAsync(1)).Reset();

        var failure = await Assert.ThrowsAsync<IOException>(async () => await tunnel.ReadExactlyAsync(new byte[16], TestContext.Current.CancellationToken));
        Assert.StartsWith($"the Konnectivity server (GRPC over unix:{_socket}) went away during the connection to 127.0.0.1:1: ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tunnel_ServerGoesAway_ReadsFailAndNewDialsSayTheServerIsUnreachable()
    {
        Server.OnDial = _ => DialAnswer.Echo;
        await using var tunnel = await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));

        await Server.DisposeAsync();
        _server = null;
        File.Delete(_socket);

        var failure = await Assert.ThrowsAsync<IOException>(async () => await tunnel.ReadExactlyAsync(new byte[16], TestContext.Current.CancellationToken));
        Assert.Contains("went away during the connection to 127.0.0.1:1", failure.Message, StringComparison.Ordinal);
        var dial = await Assert.ThrowsAsync<EgressException>(() => DialAsync(new IPEndPoint(IPAddress.Loopback, 1)));
        Assert.Equal(EgressFailure.Unavailable, dial.Failure);
        Assert.StartsWith($"the Konnectivity server (GRPC over unix:{_socket}) is not reachable: cannot connect to unix:{_socket}", dial.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_NewDialsUseANewConnection_OpenTunnelsCarryOn()
    {
        Server.OnDial = _ => DialAnswer.Echo;
        await using var first = await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));
        var firstOnServer = await Server.TunnelAsync(1);

        // DRAIN, then a DATA packet behind it: once the client has read the data, it has seen the DRAIN.
        firstOnServer.Send(new Packet { Type = PacketType.Drain, Drain = new Drain() });
        firstOnServer.Send(new Packet { Type = PacketType.Data, Data = new Data { ConnectID = firstOnServer.ConnectId, Data_ = Google.Protobuf.ByteString.CopyFromUtf8("after drain") } });
        Assert.Equal("after drain", Encoding.UTF8.GetString(await ReadExactlyAsync(first, 11)));
        await using var second = await DialAsync(new IPEndPoint(IPAddress.Loopback, 2));
        await first.WriteAsync("still here"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.NotEqual(firstOnServer.ConnectionId, (await Server.TunnelAsync(2)).ConnectionId);
        Assert.Equal("still here", Encoding.UTF8.GetString(await ReadExactlyAsync(first, 10)));
    }

    [Fact]
    public async Task Dispose_SendsCloseReqForTheConnectionAndWaitsForCloseRsp()
    {
        Server.OnDial = _ => DialAnswer.Echo;
        var tunnel = await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));
        var server = await Server.TunnelAsync(1);

        await tunnel.DisposeAsync();

        var close = Assert.Single(server.Received, p => p.Type == PacketType.CloseReq);
        Assert.Equal(server.ConnectId, close.CloseRequest.ConnectID);
        Assert.EndsWith("closed the connection to 127.0.0.1:1", ((KonnectivityTunnelStream)tunnel).EndReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_WithUnreadData_StillSeesTheCloseRsp()
    {
        Server.OnDial = _ => DialAnswer.Echo;
        var tunnel = await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));
        var server = await Server.TunnelAsync(1);
        for (var i = 0; i < 40; i++)
        {
            server.Send(new Packet { Type = PacketType.Data, Data = new Data { ConnectID = server.ConnectId, Data_ = Google.Protobuf.ByteString.CopyFrom(new byte[1024]) } });
        }

        var first = new byte[1];
        await tunnel.ReadExactlyAsync(first, TestWaitToken());
        await tunnel.DisposeAsync();

        Assert.EndsWith("closed the connection to 127.0.0.1:1", ((KonnectivityTunnelStream)tunnel).EndReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dial_ConnectionFailsBeforeTheAnswer_IsRetriedOnceOnANewConnection()
    {
        var dials = 0;
        Server.OnDial = _ => Interlocked.Increment(ref dials) == 1 ? DialAnswer.Reset : DialAnswer.Echo;

        await using var tunnel = await DialAsync(new IPEndPoint(IPAddress.Loopback, 1));
        await tunnel.WriteAsync("ping"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal("ping", Encoding.UTF8.GetString(await ReadExactlyAsync(tunnel, 4)));
        Assert.NotEqual((await Server.TunnelAsync(1)).ConnectionId, (await Server.TunnelAsync(2)).ConnectionId);
    }

    [Fact]
    public async Task Dial_ConnectionFailsTwiceBeforeTheAnswer_FailsAsUnavailableAfterOneRetry()
    {
        Server.OnDial = _ => DialAnswer.Reset;

        var failure = await Assert.ThrowsAsync<EgressException>(() => DialAsync(new IPEndPoint(IPAddress.Loopback, 1)));

        Assert.Equal(EgressFailure.Unavailable, failure.Failure);
        Assert.StartsWith($"the Konnectivity server (GRPC over unix:{_socket}) is not reachable: The HTTP/2 server reset the stream.", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, Server.Tunnels.Count);
    }

    [Fact]
    public async Task Dial_NoServerOnTheSocket_FailsAsUnavailableNamingTheSocket()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"apg-none-{Guid.NewGuid():N}"[..16] + ".sock");
        using var dialer = new KonnectivityDialer(new UdsEgressServer(missing), TimeProvider.System, NullLogger.Instance);

        var failure = await Assert.ThrowsAsync<EgressException>(async () => await dialer.DialAsync(new IPEndPoint(IPAddress.Loopback, 1), TestWaitToken()));

        Assert.Equal(EgressFailure.Unavailable, failure.Failure);
        Assert.Equal($"the Konnectivity server (GRPC over unix:{missing}) is not reachable: cannot connect to unix:{missing}: no socket at that path", failure.Message);
        Assert.Equal($"cannot connect to unix:{missing}: no socket at that path", await dialer.ProbeAsync(TestWaitToken()));
        Assert.Null(await _dialer.ProbeAsync(TestWaitToken()));
    }

    [Fact]
    public async Task Dial_ManyTunnels_ShareOneConnection()
    {
        Server.OnDial = _ => DialAnswer.Echo;

        var tunnels = await Task.WhenAll(Enumerable.Range(1, 20).Select(port => DialAsync(new IPEndPoint(IPAddress.Loopback, port))));
        try
        {
            Assert.Single(Server.Tunnels.Select(t => t.ConnectionId).Distinct());
            Assert.Equal(20, Server.Tunnels.Select(t => t.ConnectId).Distinct().Count());
        }
        finally
        {
            foreach (var tunnel in tunnels)
            {
                await tunnel.DisposeAsync();
            }
        }
    }

    private async Task<Stream> DialAsync(EndPoint destination) => await _dialer.DialAsync(destination, TestWaitToken());

    private static CancellationToken TestWaitToken() => Tests.Support.TestWait.Timeout();

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, TestWaitToken());
        return buffer;
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
