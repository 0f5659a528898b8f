using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>How a session ends, or refuses, when the peer breaks one of its limits: a clear reason, never a hang.</summary>
public sealed class SpdySessionLimitTests
{
    [Fact]
    public async Task Receive_SynStreamWithTooManyHeaders_SendsGoAwayAndFailsNamingTheLimit()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var server = SpdySession.CreateServer(b);
        var peer = new RawSpdyPeer(a);
        var headers = new SpdyHeaders();
        foreach (var i in Enumerable.Range(0, 1001))
        {
            headers.Add($"h{i}", "v");
        }

        await peer.SendAsync(new SynStreamFrame(1, 0, 0, false, false, headers), ct);
        var goAway = await peer.ReceiveAsync<GoAwayFrame>(ct);
        var failure = await Assert.ThrowsAsync<SpdyProtocolException>(() => server.Completion.WaitAsync(ct));

        Assert.Equal(1u, goAway.Status); // PROTOCOL_ERROR
        Assert.Contains("MaxHeaderCount (1000)", failure.Message, StringComparison.Ordinal);
        Assert.Null(await server.AcceptStreamAsync(ct));
    }

    [Fact]
    public async Task Receive_MoreStreamsThanMaxConcurrentStreams_RefusesTheExtraOneAndCarriesOn()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var server = SpdySession.CreateServer(b, new SpdySessionOptions { MaxConcurrentStreams = 2 });
        var peer = new RawSpdyPeer(a);

        var settings = await peer.ReceiveAsync<SettingsFrame>(ct);
        foreach (var id in new uint[] { 1, 3, 5 })
        {
            await peer.SendAsync(new SynStreamFrame(id, 0, 0, false, false, new SpdyHeaders { { "streamtype", "data" } }), ct);
        }

        var refused = await peer.ReceiveAsync<RstStreamFrame>(ct);
        var first = await server.AcceptStreamAsync(ct);
        await first!.ResetAsync(cancellationToken: ct);
        await peer.SendAsync(new SynStreamFrame(7, 0, 0, false, false, new SpdyHeaders { { "streamtype", "data" } }), ct);
        var second = await server.AcceptStreamAsync(ct);
        var third = await server.AcceptStreamAsync(ct);

        Assert.Contains(new SpdySetting(0, SpdySetting.MaxConcurrentStreams, 2), settings.Entries);
        Assert.Equal((5u, SpdyStreamStatus.RefusedStream), (refused.StreamId, refused.Status));
        Assert.Equal([1u, 3u, 7u], [first.Id, second!.Id, third!.Id]);
        Assert.False(server.Completion.IsCompleted);
    }

    [Fact]
    public async Task Receive_PingFloodFromAPeerThatDoesNotRead_EndsTheSessionNamingTheLimit()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var (a, b) = DuplexPipeStream.CreatePair(pauseWriterThreshold: 1024);
        await using var server = SpdySession.CreateServer(b, new SpdySessionOptions { CloseTimeout = TimeSpan.FromMilliseconds(200) });
        var peer = new RawSpdyPeer(a);
        using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Once the session gives up it stops reading, so the flood is stopped from outside.
        var flood = Task.Run(
            async () =>
            {
                for (var i = 0u; i < 2 * SpdyLimits.MaxQueuedControlFrames; i++)
                {
                    await peer.SendAsync(new PingFrame((2 * i) + 1), stopFlood.Token);
                }
            },
            ct);
        var failure = await Assert.ThrowsAsync<SpdyProtocolException>(() => server.Completion.WaitAsync(ct));
        await stopFlood.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flood);

        Assert.Contains("MaxQueuedControlFrames (10000)", failure.Message, StringComparison.Ordinal);
    }
}
