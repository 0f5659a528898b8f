using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.UnitTests.Protocols;
using Microsoft.Extensions.Time.Testing;
using static ApiProxyGateway.UnitTests.Protocols.WebSocketFrameBytes;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>
/// A pass-through stream ended by the session guard, through the real pump over in-memory connections, on a clock
/// that only moves when a test moves it: the client's bytes stop going to the kubelet at once (they are read and
/// dropped until the client closes or the linger is over), the kubelet's frame in flight is finished, then the farewell
/// follows; a frame that does not finish within <see cref="PassthroughSeal.BoundaryWait"/> is cut.
/// </summary>
public sealed class PassthroughSealTests
{
    private const string Reason = "pods \"shell\" is forbidden: User \"ann\" cannot create resource \"pods/exec\"";

    private static byte[] WebSocketFarewell(bool closeOnly = false) =>
        StreamFarewell.WebSocket(Reason, StreamProtocols.RemoteCommandV5, portForward: false, ports: 0, closeOnly);

    [Fact]
    public async Task Seal_AtAFrameBoundary_WritesTheFarewellWithoutWaiting()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.WebSocket();
        var stdout = Frame(Binary, true, [1, .. "hello\n"u8]);
        await relay.KubeletSendsAsync(stdout, ct);
        var kubeletGot = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        // The clock never moves here: a seal that waited for anything would time the test out.
        relay.Ending.Cancel();
        await relay.PumpEndsAsync(ct);

        Assert.True(await relay.Farewell.Task.WaitAsync(ct));
        Assert.Equal(WebSocketFarewell(), await relay.ClientReadsTheRestAsync(ct));
        Assert.Empty(await kubeletGot);
    }

    [Fact]
    public async Task Seal_InsideAFrame_ForwardsOnlyTheRestOfThatFrameThenTheFarewell()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.WebSocket();
        var stdout = Frame(Binary, true, [1, .. new byte[5000]]);
        await relay.KubeletSendsAsync(stdout.AsMemory(0, 1000), ct);
        var kubeletGot = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        relay.Ending.Cancel();
        byte[] restThenNext = [.. stdout.AsSpan(1000), .. Frame(Binary, true, [1, .. "after the seal"u8])];
        await relay.Kubelet.WriteAsync(restThenNext, ct);
        await relay.PumpEndsAsync(ct);

        Assert.True(await relay.Farewell.Task.WaitAsync(ct));
        var rest = await relay.ClientReadsTheRestAsync(ct);
        Assert.Equal([.. stdout.AsSpan(1000), .. WebSocketFarewell()], rest);
        Assert.Empty(await kubeletGot);
    }

    [Fact]
    public async Task Seal_InsideAFragmentedMessage_EndsWithACloseOnly()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.WebSocket();
        var fragment = Frame(Binary, false, [1, .. "part of a message"u8]);
        await relay.KubeletSendsAsync(fragment, ct);
        _ = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        relay.Ending.Cancel();
        await relay.PumpEndsAsync(ct);

        Assert.True(await relay.Farewell.Task.WaitAsync(ct));
        Assert.Equal(WebSocketFarewell(closeOnly: true), await relay.ClientReadsTheRestAsync(ct));
    }

    [Fact]
    public async Task Seal_FrameThatDoesNotFinishWithinTheBoundaryWait_IsCutWithoutAFarewell()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.WebSocket();
        var stdout = Frame(Binary, true, [1, .. new byte[5000]]);
        await relay.KubeletSendsAsync(stdout.AsMemory(0, 1000), ct);
        var kubeletGot = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        relay.Ending.Cancel();
        relay.Time.Advance(PassthroughSeal.BoundaryWait - TimeSpan.FromMilliseconds(1));
        await relay.KubeletSendsAsync(stdout.AsMemory(1000, 1000), ct); // still flowing
        relay.Time.Advance(TimeSpan.FromMilliseconds(1));
        await relay.PumpEndsAsync(ct);

        Assert.False(await relay.Farewell.Task.WaitAsync(ct));
        Assert.Empty(await relay.ClientReadsTheRestAsync(ct));
        Assert.Empty(await kubeletGot);
    }

    [Fact]
    public async Task Seal_ClientInputAfterSealingBegins_IsReadButNotForwarded()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.WebSocket();
        var stdout = Frame(Binary, true, [1, .. new byte[5000]]);
        await relay.KubeletSendsAsync(stdout.AsMemory(0, 1000), ct);
        var before = Frame(Binary, true, [0, .. "before\n"u8], [1, 2, 3, 4]);
        await relay.ClientSendsAsync(before, ct);
        var kubeletGot = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        relay.Ending.Cancel();

        // More than the client's connection holds: the write completes only once the gateway has read most of it,
        // here while the kubelet's frame in flight keeps the stream sealing, not yet cut.
        var after = relay.Client.WriteAsync(Relay.MoreThanAConnectionHolds(Frame(Binary, true, [0, .. new byte[16 * 1024]], [1, 2, 3, 4])), ct);
        await TestWait.UntilAsync(() => after.IsCompleted, "the gateway reads what the client sends while the stream is sealing");
        await relay.Kubelet.WriteAsync(stdout.AsMemory(1000), ct);
        var result = await relay.PumpEndsAsync(ct);

        Assert.Empty(await kubeletGot);
        Assert.Equal(("upstream", (long)before.Length), (result.EndedBy, result.BytesFromClient));
        Assert.True(await relay.Farewell.Task.WaitAsync(ct));
        var rest = await relay.ClientReadsTheRestAsync(ct);
        Assert.Equal([.. stdout.AsSpan(1000), .. WebSocketFarewell()], rest);
    }

    /// <summary>
    /// kubectl goes on sending after the farewell (stdin, SPDY WINDOW_UPDATEs and PINGs) until it has read the reason
    /// and closed: it keeps its connection until then, or until the linger is over, and none of it reaches the kubelet.
    /// </summary>
    [Fact]
    public async Task Seal_SpdyClientThatKeepsSendingAfterTheFarewell_KeepsItsConnectionUntilTheLingerEnds()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.Spdy();
        var clientWriter = new SpdyFrameWriter();
        var opens = Write(clientWriter,
            new SynStreamFrame(1, 0, 0, false, false, new() { { StreamHeaders.StreamType, StreamHeaders.Error } }),
            new SynStreamFrame(3, 0, 0, false, false, new() { { StreamHeaders.StreamType, StreamHeaders.Stdin } }),
            new SynStreamFrame(5, 0, 0, true, false, new() { { StreamHeaders.StreamType, StreamHeaders.Stdout } }));
        await relay.ClientSendsAsync(opens, ct);
        await relay.KubeletSendsAsync(Write(new SpdyFrameWriter(), new SynReplyFrame(1, false, []), new SynReplyFrame(3, false, []), new SynReplyFrame(5, false, [])), ct);
        var kubeletGot = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        relay.Ending.Cancel();
        Assert.True(await relay.Farewell.Task.WaitAsync(ct));
        var farewell = StreamFarewell.Spdy(Reason, StreamProtocols.RemoteCommandV4, [1u], [3u, 5u]);
        var told = new byte[farewell.Length];
        await relay.Client.ReadExactlyAsync(told, ct);
        await relay.Time.LingerStarted.WaitAsync(ct);

        // Still typing, answering the kubelet's window and pinging as the reason arrives: each write completes only
        // once the gateway has read most of it, and a pump that cut the client instead ends first.
        var typing = Relay.MoreThanAConnectionHolds(Write(clientWriter, new SpdyDataFrame(3, false, new byte[16 * 1024]), new WindowUpdateFrame(5, 64 * 1024), new PingFrame(1)));
        await Task.WhenAny(relay.Client.WriteAsync(typing, ct).AsTask(), relay.Pumping).WaitAsync(ct);
        Assert.False(relay.Pumping.IsCompleted, "the gateway cut the client at the bytes it sent after the farewell");
        relay.Time.Advance(DuplexPump.FarewellLinger - TimeSpan.FromMilliseconds(1));
        await Task.WhenAny(relay.Client.WriteAsync(typing, ct).AsTask(), relay.Pumping).WaitAsync(ct);
        Assert.False(relay.Pumping.IsCompleted, "the gateway cut the client before the linger was over");
        relay.Time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await relay.Pumping.WaitAsync(ct);

        Assert.Equal(farewell, told);
        Assert.Empty(await kubeletGot);
        Assert.Equal(("upstream", (long)opens.Length), (result.EndedBy, result.BytesFromClient));
        Assert.Empty(await relay.ClientReadsTheRestAsync(ct));
    }

    /// <summary>
    /// A client that reads nothing holds the gateway's write to it, so the seal finds no boundary and cuts the kubelet's
    /// side; the write goes on waiting on the client, and the client sends nothing: the pump must end all the same,
    /// within the boundary wait and the farewell's write timeout, not at the idle timeout.
    /// </summary>
    [Fact]
    public async Task Seal_ClientThatReadsNothing_EndsWithoutWaitingForTheIdleTimeout()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.WebSocket();
        _ = relay.Kubelet.WriteAsync(Relay.MoreThanAConnectionHolds(Frame(Binary, true, [1, .. new byte[16 * 1024]])), ct).AsTask(); // waits on the gateway for good
        await TestWait.UntilAsync(() => relay.ClientHasUnread(1024 * 1024), "the gateway's write to the client waits on a client that reads nothing");
        var kubeletGot = relay.KubeletReadsToTheEndThenClosesAsync(ct);
        var started = relay.Time.GetUtcNow();

        relay.Ending.Cancel();
        await TestWait.UntilAsync(
            () =>
            {
                relay.Time.Advance(TimeSpan.FromSeconds(1));
                return relay.Pumping.IsCompleted;
            },
            "the pump ends once the clock moves");

        Assert.True(relay.Time.GetUtcNow() - started < Relay.IdleTimeout, "the pump ended only at the idle timeout");
        Assert.False(await relay.Farewell.Task.WaitAsync(ct));
        Assert.Empty(await kubeletGot);
    }

    [Fact]
    public async Task Seal_SpdyWithTheClientsErrorStreamOpen_WritesAStatusOnItAtTheNextBoundary()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.Spdy();
        var clientWriter = new SpdyFrameWriter();
        var kubeletWriter = new SpdyFrameWriter();
        var opens = Write(clientWriter,
            new SynStreamFrame(1, 0, 0, false, false, new() { { StreamHeaders.StreamType, StreamHeaders.Error } }),
            new SynStreamFrame(3, 0, 0, true, false, new() { { StreamHeaders.StreamType, StreamHeaders.Stdout } }));
        await relay.ClientSendsAsync(opens, ct);
        var replies = Write(kubeletWriter, new SynReplyFrame(1, false, []), new SynReplyFrame(3, false, []), new SpdyDataFrame(3, false, new byte[3000]));
        await relay.KubeletSendsAsync(replies.AsMemory(0, replies.Length - 100), ct);
        _ = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        relay.Ending.Cancel();
        byte[] restThenNext = [.. replies.AsSpan(replies.Length - 100), .. Write(kubeletWriter, new SpdyDataFrame(3, true, "late"u8.ToArray()))];
        await relay.Kubelet.WriteAsync(restThenNext, ct);
        await relay.PumpEndsAsync(ct);

        Assert.True(await relay.Farewell.Task.WaitAsync(ct));
        // stdout's late FIN never passed (sealed): the farewell ends stdout itself.
        byte[] expected = [.. replies.AsSpan(replies.Length - 100), .. StreamFarewell.Spdy(Reason, StreamProtocols.RemoteCommandV4, [1u], [3u])];
        Assert.Equal(expected, await relay.ClientReadsTheRestAsync(ct));
    }

    [Fact]
    public async Task Seal_SpdyErrorStreamTheKubeletHasFinished_HasNoFarewell()
    {
        var ct = TestWait.Timeout();
        await using var relay = Relay.Spdy();
        var opens = Write(new SpdyFrameWriter(), new SynStreamFrame(1, 0, 0, false, false, new() { { StreamHeaders.StreamType, StreamHeaders.Error } }));
        await relay.ClientSendsAsync(opens, ct);
        var finished = Write(new SpdyFrameWriter(), new SynReplyFrame(1, false, []), new SpdyDataFrame(1, true, "{\"status\":\"Success\"}"u8.ToArray()));
        await relay.KubeletSendsAsync(finished, ct);
        _ = relay.KubeletReadsToTheEndThenClosesAsync(ct);

        relay.Ending.Cancel();
        await relay.PumpEndsAsync(ct);

        Assert.False(await relay.Farewell.Task.WaitAsync(ct));
        Assert.Empty(await relay.ClientReadsTheRestAsync(ct));
    }

    /// <summary>
    /// The kubelet's next chunk can take the way to the client after the guard's signal but before the seal's own look
    /// at the boundary (here made certain by a client that reads slowly and a chunk queued first). At a boundary there
    /// is no frame in flight, so none of that chunk may go: it would start a frame the seal then waits on, and cut.
    /// </summary>
    [Fact]
    public async Task ToClient_ChunkThatTakesTheWayOnceSealingBeganAtABoundary_IsNotForwarded()
    {
        var ct = TestWait.Timeout();
        var (client, gatewayToClient) = DuplexPipeStream.CreatePair(pauseWriterThreshold: 1024);
        var (gatewayToKubelet, kubelet) = DuplexPipeStream.CreatePair();
        await using var _ = kubelet;
        var framing = PassthroughFraming.For(PodSubresource.Exec, StreamProtocols.WebSocketUpgrade, StreamProtocols.RemoteCommandV5, ports: 0, recording: null);
        using var seal = new PassthroughSeal(framing, gatewayToClient, gatewayToKubelet, new FakeTimeProvider());
        using var ending = new CancellationTokenSource();
        await using var guarded = seal.EndOn(ending.Token);
        var whole = Frame(Binary, true, [1, .. new byte[4000]]);
        var next = Frame(Binary, true, [1, .. new byte[100]]);

        var first = seal.ToClientAsync(whole, ct);
        Assert.False(first.IsCompleted, "the client's connection should hold the first chunk until the client reads");
        var second = seal.ToClientAsync(next.AsMemory(0, 50), ct);
        ending.Cancel();
        var read = new byte[whole.Length];
        await client.ReadExactlyAsync(read, ct);

        Assert.True(await first);
        Assert.False(await second.AsTask().WaitAsync(ct));
        Assert.True(await seal.FarewellAsync(Reason).WaitAsync(ct));
        await gatewayToClient.DisposeAsync();
        var rest = new MemoryStream();
        await client.CopyToAsync(rest, ct);
        Assert.Equal(WebSocketFarewell(), rest.ToArray());
    }

    /// <summary>
    /// A chunk whose frames the scanner cannot follow stops a required recording, which ends the stream while the chunk
    /// is being followed (here with the client's side busy, so the seal cannot cut at once): none of it may go on to
    /// the kubelet, or the stdin behind the unfollowable frame would reach the pod unrecorded.
    /// </summary>
    [Fact]
    public async Task ToUpstream_AChunkThatEndsARequiredRecording_IsNotForwarded()
    {
        var ct = TestWait.Timeout();
        var (_, gatewayToClient) = DuplexPipeStream.CreatePair(pauseWriterThreshold: 1024);
        var (gatewayToKubelet, kubelet) = DuplexPipeStream.CreatePair();
        using var ending = new CancellationTokenSource();
        using var file = new MemoryStream();
        var header = new ApiProxyGateway.Recording.RecordingHeader("audit-1", "jane", ["devs"], "demo", "shell", "shell", "exec", ["sh"], Tty: false, DateTimeOffset.UnixEpoch);
        using var recording = new ApiProxyGateway.Recording.SessionRecording("f.jsonl", file, new ApiProxyGateway.Recording.JsonLinesFormat(), header, new ApiProxyGateway.Recording.RecordingOptions(), new FakeTimeProvider(), (_, _) => ending.Cancel());
        var framing = PassthroughFraming.For(PodSubresource.Exec, StreamProtocols.SpdyUpgrade, StreamProtocols.RemoteCommandV4, ports: 0, recording);
        using var seal = new PassthroughSeal(framing, gatewayToClient, gatewayToKubelet, new FakeTimeProvider());
        await using var guarded = seal.EndOn(ending.Token);
        var held = seal.ToClientAsync(new byte[4096], ct); // empty DATA frames the client does not read
        Assert.False(held.IsCompleted, "the client's connection should hold the chunk");

        // A SYN_STREAM declaring 16 MiB (over what the scanner follows), then what would be stdin.
        var forwarded = await seal.ToUpstreamAsync(Convert.FromHexString("80030001" + "00FFFFFF" + "0000000100000005" + "6563686F0A"), ct);

        Assert.False(forwarded);
        Assert.True(ending.IsCancellationRequested);
        await gatewayToKubelet.DisposeAsync();
        var received = new MemoryStream();
        await kubelet.CopyToAsync(received, ct);
        Assert.Empty(received.ToArray());
    }

    /// <summary>
    /// The client's chunk can be waiting on a kubelet that reads slowly when the seal cuts the kubelet's side: that
    /// write then fails, which is the seal's doing, not the client's, and must not end the client's side (it would be
    /// cut before it has read the farewell).
    /// </summary>
    [Fact]
    public async Task ToUpstream_AChunkWaitingOnTheKubeletWhenTheSealCutsIt_IsRefusedWithoutAnError()
    {
        var ct = TestWait.Timeout();
        var (_, gatewayToClient) = DuplexPipeStream.CreatePair();
        var (gatewayToKubelet, kubelet) = DuplexPipeStream.CreatePair(pauseWriterThreshold: 1024);
        var framing = PassthroughFraming.For(PodSubresource.Exec, StreamProtocols.WebSocketUpgrade, StreamProtocols.RemoteCommandV5, ports: 0, recording: null);
        using var seal = new PassthroughSeal(framing, gatewayToClient, gatewayToKubelet, new FakeTimeProvider());
        using var ending = new CancellationTokenSource();
        await using var guarded = seal.EndOn(ending.Token);
        var stdin = seal.ToUpstreamAsync(Frame(Binary, true, [0, .. new byte[4000]], [1, 2, 3, 4]), ct).AsTask();
        Assert.False(stdin.IsCompleted, "the kubelet's connection should hold the chunk");

        ending.Cancel();
        await seal.Cut.WaitAsync(ct);
        await kubelet.DisposeAsync(); // the kubelet closes its side once the gateway has cut its own, as a real one does

        Assert.False(await stdin.WaitAsync(ct));
    }

    private static byte[] Write(SpdyFrameWriter writer, params SpdyFrame[] frames)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            writer.Write(frame, output);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A clock that moves only when a test moves it, and says when the pump's linger has started (after the farewell,
    /// on the pump's own thread): moved before that, the linger's deadline would be set from the moved time.
    /// </summary>
    private sealed class LingerClock : FakeTimeProvider
    {
        private readonly TaskCompletionSource _lingerStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task LingerStarted => _lingerStarted.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == DuplexPump.FarewellLinger)
            {
                _lingerStarted.TrySetResult();
            }

            return timer;
        }
    }

    /// <summary>
    /// The client and the kubelet, each an in-memory connection to the gateway, with the pump and a seal between them
    /// as UpgradeRelay sets them up; the pump's first-side-ended step writes the farewell and records whether it did.
    /// </summary>
    private sealed class Relay : IAsyncDisposable
    {
        private readonly DuplexPipeStream _gatewayToClient;
        private readonly DuplexPipeStream _gatewayToKubelet;
        private readonly PassthroughSeal _seal;

        private Relay(PassthroughFraming framing)
        {
            (Client, _gatewayToClient) = DuplexPipeStream.CreatePair();
            (_gatewayToKubelet, Kubelet) = DuplexPipeStream.CreatePair();
            _seal = new PassthroughSeal(framing, _gatewayToClient, _gatewayToKubelet, Time);
            _ = _seal.EndOn(Ending.Token);
            Pumping = DuplexPump.RunAsync(_gatewayToClient, _gatewayToKubelet, IdleTimeout, Time, CancellationToken.None,
                async () =>
                {
                    var told = await _seal.FarewellAsync(Reason);
                    Farewell.TrySetResult(told);
                    return told;
                },
                _seal);
        }

        public static TimeSpan IdleTimeout { get; } = TimeSpan.FromHours(1);

        public DuplexPipeStream Client { get; }

        public DuplexPipeStream Kubelet { get; }

        public LingerClock Time { get; } = new();

        /// <summary>The session guard's signal.</summary>
        public CancellationTokenSource Ending { get; } = new();

        public Task<PumpResult> Pumping { get; }

        public TaskCompletionSource<bool> Farewell { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>
        /// <paramref name="bytes"/> repeated past what an in-memory connection holds before its writer waits (1 MiB): a
        /// write of them completes only once the other end has read all but half a megabyte.
        /// </summary>
        public static byte[] MoreThanAConnectionHolds(byte[] bytes) => [.. Enumerable.Repeat(bytes, (2 * 1024 * 1024 / bytes.Length) + 1).SelectMany(chunk => chunk)];

        public static Relay WebSocket() =>
            new(PassthroughFraming.For(PodSubresource.Exec, StreamProtocols.WebSocketUpgrade, StreamProtocols.RemoteCommandV5, ports: 0, recording: null));

        public static Relay Spdy() =>
            new(PassthroughFraming.For(PodSubresource.Exec, StreamProtocols.SpdyUpgrade, StreamProtocols.RemoteCommandV4, ports: 0, recording: null));

        /// <summary>
        /// The pump's end: a client that was told why leaves (the pump lets it read for a moment, until it does), as
        /// kubectl exec does once it has the Status.
        /// </summary>
        public async Task<PumpResult> PumpEndsAsync(CancellationToken ct)
        {
            if (await Task.WhenAny(Farewell.Task, Pumping).WaitAsync(ct) == Farewell.Task && await Farewell.Task)
            {
                await Client.Output.CompleteAsync();
            }

            return await Pumping.WaitAsync(ct);
        }

        /// <summary>Whether at least <paramref name="bytes"/> wait on the client's connection for it to read them (read nothing of them).</summary>
        public bool ClientHasUnread(long bytes)
        {
            if (!Client.Input.TryRead(out var waiting))
            {
                return false;
            }

            Client.Input.AdvanceTo(waiting.Buffer.Start);
            return waiting.Buffer.Length >= bytes;
        }

        /// <summary>The kubelet sends <paramref name="bytes"/>, and the client reads them as they were.</summary>
        public Task KubeletSendsAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => PassesAsync(bytes, Kubelet, Client, ct);

        /// <summary>The client sends <paramref name="bytes"/>, and the kubelet reads them as they were.</summary>
        public Task ClientSendsAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => PassesAsync(bytes, Client, Kubelet, ct);

        /// <summary>
        /// What the kubelet reads from here on; when the gateway cuts its side, the kubelet closes its own, as a real
        /// one does (an in-memory connection, unlike a socket, does not end a read pending on the side that was cut).
        /// </summary>
        public async Task<byte[]> KubeletReadsToTheEndThenClosesAsync(CancellationToken ct)
        {
            var bytes = await ReadToEndAsync(Kubelet, ct);
            await Kubelet.DisposeAsync();
            return bytes;
        }

        /// <summary>Everything the client reads after the pump has ended and the gateway closed the client's connection, as UpgradeRelay does.</summary>
        public async Task<byte[]> ClientReadsTheRestAsync(CancellationToken ct)
        {
            await _gatewayToClient.DisposeAsync();
            return await ReadToEndAsync(Client, ct);
        }

        public async ValueTask DisposeAsync()
        {
            Ending.Cancel();
            await _gatewayToClient.DisposeAsync();
            await _gatewayToKubelet.DisposeAsync();
            await Client.DisposeAsync();
            await Kubelet.DisposeAsync();

            // A test that failed midway can leave the seal's boundary wait or the linger on a clock nobody moves: move
            // it, so that the failure is reported instead of the run hanging.
            await TestWait.UntilAsync(
                () =>
                {
                    Time.Advance(TimeSpan.FromSeconds(1));
                    return Pumping.IsCompleted;
                },
                "the pump ends once both connections are closed and the clock moves");
            await DuplexPump.Quietly(Pumping);
            _seal.Dispose();
            Ending.Dispose();
        }

        private static async Task PassesAsync(ReadOnlyMemory<byte> bytes, Stream from, Stream to, CancellationToken ct)
        {
            await from.WriteAsync(bytes, ct);
            var read = new byte[bytes.Length];
            await to.ReadExactlyAsync(read, ct);
            Assert.Equal(bytes.ToArray(), read);
        }

        private static async Task<byte[]> ReadToEndAsync(Stream stream, CancellationToken ct)
        {
            var all = new MemoryStream();
            await stream.CopyToAsync(all, ct);
            return all.ToArray();
        }
    }
}
