using System.Security.Cryptography;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class SpdySessionTests
{
    [Fact]
    public async Task OpenStream_ClientToServer_HeadersDataAndHalfCloseWorkBothWays()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);

        var opened = await client.OpenStreamAsync(new SpdyHeaders { { "streamType", "stdin" } }, cancellationToken: ct);
        var accepted = await server.AcceptStreamAsync(ct);
        await opened.WriteAndCloseAsync("ping"u8.ToArray(), ct);
        var request = await ReadAllAsync(accepted!, ct);
        await accepted!.WriteAsync("pong"u8.ToArray(), ct);
        await accepted.CloseWriteAsync(ct);
        var response = await ReadAllAsync(opened, ct);

        Assert.Equal((1u, 2u), (opened.Id, accepted.Id + 1));
        Assert.Equal("stdin", accepted.Headers["StreamType"]);
        Assert.Equal("ping"u8.ToArray(), request);
        Assert.Equal("pong"u8.ToArray(), response);
        await Assert.ThrowsAsync<IOException>(() => opened.WriteAsync(new byte[1], ct).AsTask());
    }

    [Fact]
    public async Task OpenStream_ServerRole_UsesEvenIds()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);

        var first = await server.OpenStreamAsync([], cancellationToken: ct);
        var second = await server.OpenStreamAsync([], cancellationToken: ct);
        var acceptedByClient = await client.AcceptStreamAsync(ct);

        Assert.Equal([2u, 4u, 2u], [first.Id, second.Id, acceptedByClient!.Id]);
    }

    [Fact]
    public async Task PingAsync_PeerSession_AnswersAutomatically()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);

        var rtt = await client.PingAsync(ct);
        var rttOtherWay = await server.PingAsync(ct);

        Assert.True(rtt >= TimeSpan.Zero && rttOtherWay >= TimeSpan.Zero);
    }

    [Fact]
    public async Task PingInterval_Elapsed_SendsAPingTheRawPeerCanSee()
    {
        var ct = TestWait.Timeout();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var server = SpdySession.CreateServer(b, new SpdySessionOptions { PingInterval = TimeSpan.FromSeconds(5), TimeProvider = time });
        var peer = new RawSpdyPeer(a);
        await peer.ReceiveAsync<SettingsFrame>(ct);

        var ping = peer.ReceiveAsync<PingFrame>(ct);
        await TestWait.UntilAsync(() => { time.Advance(TimeSpan.FromSeconds(5)); return ping.IsCompleted; }, "a ping was sent");

        Assert.Equal(0u, (await ping).Id % 2);
    }

    [Fact]
    public async Task WriteAsync_FlowControlledPeerNotReading_StopsAtItsWindowAndResumesWhenRead()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        const int Window = 64 * 1024;
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b, new SpdySessionOptions { InitialWindowSize = Window });
        var payload = RandomNumberGenerator.GetBytes(1024 * 1024);
        await client.PingAsync(ct); // the server's SETTINGS has arrived once its PING answer has

        var opened = await client.OpenStreamAsync([], cancellationToken: ct);
        var accepted = (await server.AcceptStreamAsync(ct))!;
        var writing = opened.WriteAndCloseAsync(payload, ct).AsTask();
        await TestWait.UntilAsync(() => opened.SendWindow.Available == 0 && accepted.Buffered == Window, "the sender has exactly filled the window");

        Assert.False(writing.IsCompleted);
        var received = await ReadAllAsync(accepted, ct);
        await writing;
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));
    }

    [Fact]
    public async Task Receive_PeerIgnoringWindows_PausesReadingSoOneStreamBuffersBoundedBytes()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair(pauseWriterThreshold: 64 * 1024);
        const int Window = 128 * 1024;
        await using var server = SpdySession.CreateServer(b, new SpdySessionOptions { InitialWindowSize = Window });
        var peer = new RawSpdyPeer(a);
        var draining = DrainAsync(peer, ct);
        var chunk = new byte[32 * 1024];
        const int Chunks = 128;
        SpdyStream? accepted = null;
        var blockedWhileFull = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await peer.SendAsync(new SynStreamFrame(1, 0, 0, false, false, []), ct);
        accepted = await server.AcceptStreamAsync(ct);
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < Chunks; i++)
            {
                if (!await peer.SendAsync(new SpdyDataFrame(1, i == Chunks - 1, chunk), ct) && accepted!.Buffered >= Window)
                {
                    blockedWhileFull.TrySetResult();
                }
            }
        }, ct);
        var first = await Task.WhenAny(blockedWhileFull.Task, writing);

        Assert.Same(blockedWhileFull.Task, first);
        Assert.InRange(accepted!.Buffered, Window, Window + (64 * 1024) + chunk.Length);
        Assert.Equal(Chunks * chunk.Length, (await ReadAllAsync(accepted, ct)).Length);
        await writing;
        await server.DisposeAsync();
        await draining;
    }

    [Fact]
    public async Task SynStream_WithTheReceiversOwnIdParity_IsResetWithProtocolError()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var server = SpdySession.CreateServer(b);
        var peer = new RawSpdyPeer(a);

        await peer.SendAsync(new SynStreamFrame(2, 0, 0, false, false, []), ct);
        var rst = await peer.ReceiveAsync<RstStreamFrame>(ct);

        Assert.Equal((2u, SpdyStreamStatus.ProtocolError), (rst.StreamId, rst.Status));
    }

    [Fact]
    public async Task Receive_UnknownControlFrame_IsIgnoredAndSessionCarriesOn()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var server = SpdySession.CreateServer(b);
        var peer = new RawSpdyPeer(a);

        await peer.SendAsync(new UnknownControlFrame(10, 0, 3), ct);
        await peer.SendAsync(new PingFrame(7), ct);
        var pong = await peer.ReceiveAsync<PingFrame>(ct);

        Assert.Equal(7u, pong.Id);
        Assert.False(server.Completion.IsCompleted);
    }

    [Fact]
    public async Task Receive_SynStream_IsRepliedBeforeTheStreamIsAccepted()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var server = SpdySession.CreateServer(b);
        var peer = new RawSpdyPeer(a);

        await peer.SendAsync(new SynStreamFrame(1, 0, 0, false, false, new SpdyHeaders { { "streamtype", "error" } }), ct);
        var accepted = await server.AcceptStreamAsync(ct);
        await accepted!.WriteAsync("x"u8.ToArray(), ct);
        var first = await peer.ReceiveAsync(ct);
        while (first is SettingsFrame)
        {
            first = await peer.ReceiveAsync(ct);
        }

        var reply = Assert.IsType<SynReplyFrame>(first);
        Assert.Equal((1u, false), (reply.StreamId, reply.Fin));
        Assert.IsType<SpdyDataFrame>(await peer.ReceiveAsync(ct));
    }

    [Fact]
    public async Task OpenStream_PeerRepliesWithFin_ReadsEndAtOnceWhileWritingStillWorks()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        var peer = new RawSpdyPeer(b);

        var opening = client.OpenStreamAsync([], cancellationToken: ct);
        var syn = await peer.ReceiveAsync<SynStreamFrame>(ct);
        await peer.SendAsync(new SynReplyFrame(syn.StreamId, true, new SpdyHeaders { { "x-refused", "no" } }), ct);
        var stream = await opening;
        await stream.WriteAsync("still"u8.ToArray(), ct);

        Assert.Equal("no", (await stream.Reply)["X-Refused"]);
        Assert.Empty(await ReadAllAsync(stream, ct));
        Assert.Equal("still"u8.ToArray(), (await peer.ReceiveAsync<SpdyDataFrame>(ct)).Data.ToArray());
    }

    [Fact]
    public async Task GoAway_FromPeer_EndsAcceptButOpenStreamsCarryOn()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        var opened = await client.OpenStreamAsync([], cancellationToken: ct);
        var accepted = (await server.AcceptStreamAsync(ct))!;

        await client.GoAwayAsync(ct);
        var next = await server.AcceptStreamAsync(ct);
        await accepted.WriteAndCloseAsync("still here"u8.ToArray(), ct);

        Assert.Null(next);
        Assert.Equal("still here"u8.ToArray(), await ReadAllAsync(opened, ct));
        await Assert.ThrowsAsync<IOException>(() => server.OpenStreamAsync([], cancellationToken: ct));
    }

    [Fact]
    public async Task Reset_ByPeer_ReaderGetsEarlierDataThenEndAndWritesFail()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        var opened = await client.OpenStreamAsync([], cancellationToken: ct);
        var accepted = (await server.AcceptStreamAsync(ct))!;

        await accepted.WriteAsync("partial"u8.ToArray(), ct);
        await accepted.ResetAsync(SpdyStreamStatus.Cancel, ct);
        var received = await ReadAllAsync(opened, ct);

        Assert.Equal("partial"u8.ToArray(), received);
        Assert.Equal(SpdyStreamStatus.Cancel, opened.ResetStatus);
        await Assert.ThrowsAsync<IOException>(() => opened.WriteAsync(new byte[1], ct).AsTask());
    }

    [Fact]
    public async Task DisposeAsync_Session_PeerSeesGoAwayAndCompletesCleanly()
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        var server = SpdySession.CreateServer(b);
        var opened = await client.OpenStreamAsync([], cancellationToken: ct);
        _ = await server.AcceptStreamAsync(ct);

        await server.DisposeAsync();
        await client.Completion.WaitAsync(ct);

        Assert.True(client.Completion.IsCompletedSuccessfully);
        await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(opened, ct));
    }

    [Fact]
    public async Task Transfer_TwentyMegabytesEachWayConcurrently_ArrivesIntact()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var client = SpdySession.CreateClient(a);
        await using var server = SpdySession.CreateServer(b);
        var up = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        var down = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        var opened = await client.OpenStreamAsync([], cancellationToken: ct);
        var accepted = (await server.AcceptStreamAsync(ct))!;

        var sendUp = opened.WriteAndCloseAsync(up, ct).AsTask();
        var sendDown = accepted.WriteAndCloseAsync(down, ct).AsTask();
        var receivedUp = ReadAllAsync(accepted, ct);
        var receivedDown = ReadAllAsync(opened, ct);
        await Task.WhenAll(sendUp, sendDown, receivedUp, receivedDown);

        Assert.Equal(SHA256.HashData(up), SHA256.HashData(await receivedUp));
        Assert.Equal(SHA256.HashData(down), SHA256.HashData(await receivedDown));
    }

    internal static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static async Task DrainAsync(RawSpdyPeer peer, CancellationToken ct)
    {
        while (await peer.ReceiveAsync(ct) is not null)
        {
        }
    }
}
