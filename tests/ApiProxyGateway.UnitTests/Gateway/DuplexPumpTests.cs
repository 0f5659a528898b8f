using System.Net.WebSockets;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.UnitTests.Protocols;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class DuplexPumpTests
{
    /// <summary>
    /// kubectl's WebSocket port-forward tunnel ends with the client's close frame: the pump's wait for data then returns,
    /// and the stream it waited on is no longer readable (a WebSocketStream refuses reads once the close has arrived),
    /// which is the end of that direction, not an error that escapes the relay.
    /// </summary>
    [Fact]
    public async Task Run_ClientClosesItsWebSocket_EndsAsTheClientsDoing()
    {
        var ct = TestWait.Timeout();
        using var tunnel = new Tunnel();
        var (client, gateway, fromClient, upstream, kubelet) = (tunnel.Client, tunnel.Gateway, tunnel.FromClient, tunnel.Upstream, tunnel.Kubelet);
        await using (kubelet)
        {
            var pumping = DuplexPump.RunAsync(fromClient, upstream, TimeSpan.FromMinutes(1), TimeProvider.System, ct);
            await client.SendAsync("spdy bytes"u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, ct);
            var relayed = new byte[10];
            await kubelet.ReadExactlyAsync(relayed, ct);

            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            var result = await pumping.WaitAsync(ct);

            Assert.Equal("spdy bytes"u8.ToArray(), relayed);
            Assert.Equal("client", result.EndedBy);
            Assert.Equal(10, result.BytesFromClient);
        }
    }

    /// <summary>
    /// A WebSocket-tunnelled port-forward whose kubelet side is gone (the session guard cut it) is told why with a close;
    /// the client may still be sending (data in flight) when the close arrives. Its bytes are read and dropped until it
    /// answers the close, on a clock that never moves: cut at its next byte instead, it would be reset before reading
    /// the reason.
    /// </summary>
    [Fact]
    public async Task Run_ClientStillSendingAfterTheCloseThatTellsItWhy_KeepsItsConnectionUntilItAnswersTheClose()
    {
        var ct = TestWait.Timeout();
        using var tunnel = new Tunnel();
        var (client, kubelet) = (tunnel.Client, tunnel.Kubelet);
        var (pumping, told) = tunnel.PumpTellingWhyOnAClockThatNeverMoves(ct);

        await kubelet.DisposeAsync(); // the kubelet's side is gone
        await told.WaitAsync(ct);
        var (received, result) = await tunnel.SendMoreThenAnswerTheCloseAsync(pumping, ct);

        Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.PolicyViolation, "access revoked"), (received.MessageType, client.CloseStatus, client.CloseStatusDescription));
        Assert.Equal("upstream", result.EndedBy);
    }

    /// <summary>
    /// The same when the client's bytes are what first finds the kubelet's side gone (the client is sending as the guard
    /// cuts it): the close still tells it why, and what it sends after is read and dropped until it answers the close.
    /// </summary>
    [Fact]
    public async Task Run_ClientBytesFirstToFindTheKubeletGone_KeepItsConnectionUntilItAnswersTheClose()
    {
        var ct = TestWait.Timeout();
        using var tunnel = new Tunnel();
        var (client, kubelet) = (tunnel.Client, tunnel.Kubelet);
        var (pumping, told) = tunnel.PumpTellingWhyOnAClockThatNeverMoves(ct);

        await kubelet.Input.CompleteAsync(); // the kubelet's side takes nothing more
        await client.SendAsync("data"u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, ct);
        await told.WaitAsync(ct);
        await kubelet.Output.CompleteAsync(); // and is gone
        var (received, _) = await tunnel.SendMoreThenAnswerTheCloseAsync(pumping, ct);

        Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.PolicyViolation, "access revoked"), (received.MessageType, client.CloseStatus, client.CloseStatusDescription));
    }

    /// <summary>
    /// A client whose connection breaks after it was told why (kubectl killed) ends the pump quietly: its WebSocket can
    /// no longer be read, so nothing is left to drop.
    /// </summary>
    [Fact]
    public async Task Run_ClientConnectionBreaksAfterTheCloseThatTellsItWhy_EndsWithoutAnError()
    {
        var ct = TestWait.Timeout();
        using var tunnel = new Tunnel();
        var (pumping, told) = tunnel.PumpTellingWhyOnAClockThatNeverMoves(ct);

        await tunnel.Kubelet.DisposeAsync();
        await told.WaitAsync(ct);
        await tunnel.ClientConnection.DisposeAsync();

        Assert.Equal("upstream", (await pumping.WaitAsync(ct)).EndedBy);
    }

    /// <summary>
    /// A kubelet writes a SPDY data frame's header and its data apart (Go's framer: three writes, each its own TLS
    /// record): what has arrived by the time the pump reads goes to the client in one write, not one per record.
    /// </summary>
    [Fact]
    public async Task Run_KubeletWritesAFramesHeaderAndDataApart_TheClientGetsThemInOneWrite()
    {
        var ct = TestWait.Timeout();
        var kubelet = new LineSource();
        kubelet.Add("id..", "len.", "data");
        kubelet.End();
        var client = new RecordingTarget();

        var result = await DuplexPump.RunAsync(client, kubelet, TimeSpan.FromMinutes(1), TimeProvider.System, ct).WaitAsync(ct);

        Assert.Equal(["id..len.data"], client.Writes);
        Assert.Equal(("upstream", 12L), (result.EndedBy, result.BytesToClient));
    }

    [Fact]
    public async Task CoalescingCopy_LinesAlreadyArrived_GoOutInOneWrite()
    {
        // The kubelet flushes a log line by line; what has arrived by the time the relay reads goes out in one piece.
        var ct = TestWait.Timeout();
        var source = new LineSource();
        source.Add("one\n", "two\n", "three\n");
        source.End();
        var target = new RecordingTarget();
        using var idle = new IdleWatch(TimeSpan.FromMinutes(1), TimeProvider.System, ct);
        var count = new ByteCount();

        await DuplexPump.CoalescingCopyAsync(source, target, idle, count).WaitAsync(ct);

        Assert.Equal(["one\ntwo\nthree\n"], target.Writes);
        Assert.Equal(14, count.Value);
    }

    [Fact]
    public async Task CoalescingCopy_LineArrivingAlone_GoesOutWithoutWaitingForMore()
    {
        // A followed log: each line is passed on as soon as it arrives, and the relay then waits holding no buffer.
        var ct = TestWait.Timeout();
        var source = new LineSource();
        var target = new RecordingTarget();
        using var idle = new IdleWatch(TimeSpan.FromMinutes(1), TimeProvider.System, ct);
        var copy = DuplexPump.CoalescingCopyAsync(source, target, idle, new ByteCount());

        source.Add("first\n");
        await target.WaitForWritesAsync(1, ct);
        source.Add("second\n", "third\n");
        await target.WaitForWritesAsync(2, ct);
        source.End();
        await copy.WaitAsync(ct);

        Assert.Equal(["first\n", "second\nthird\n"], target.Writes);
    }

    [Fact]
    public async Task CoalescingCopy_SourceCutAfterLines_WritesThemBeforeTheErrorEndsTheCopy()
    {
        // The kubelet's connection is cut: the lines that did arrive still reach the client.
        var ct = TestWait.Timeout();
        var source = new LineSource();
        source.Add("one\n", "two\n");
        source.Fail(new IOException("the response ended prematurely"));
        var target = new RecordingTarget();
        using var idle = new IdleWatch(TimeSpan.FromMinutes(1), TimeProvider.System, ct);

        await Assert.ThrowsAsync<IOException>(() => DuplexPump.CoalescingCopyAsync(source, target, idle, new ByteCount()).WaitAsync(ct));

        Assert.Equal(["one\ntwo\n"], target.Writes);
    }

    /// <summary>A kubectl WebSocket tunnel: the client's WebSocket, the gateway's end of it as a stream, and an in-memory kubelet connection.</summary>
    private sealed class Tunnel : IDisposable
    {
        public Tunnel()
        {
            (ClientConnection, var gatewayEnd) = DuplexPipeStream.CreatePair();
            Client = WebSocket.CreateFromStream(ClientConnection, new WebSocketCreationOptions { IsServer = false });
            Gateway = WebSocket.CreateFromStream(gatewayEnd, new WebSocketCreationOptions { IsServer = true });
            FromClient = WebSocketStream.Create(Gateway, WebSocketMessageType.Binary, ownsWebSocket: false);
            (Upstream, Kubelet) = DuplexPipeStream.CreatePair();
        }

        public DuplexPipeStream ClientConnection { get; }

        public WebSocket Client { get; }

        public WebSocket Gateway { get; }

        public Stream FromClient { get; }

        public DuplexPipeStream Upstream { get; }

        public DuplexPipeStream Kubelet { get; }

        /// <summary>
        /// The pump between the client and the kubelet, whose first-side-ended step closes the client's WebSocket with
        /// 1008 and a reason, as <c>GatewayClose</c> does, and completes <c>Told</c>; its clock never moves.
        /// </summary>
        public (Task<PumpResult> Pumping, Task Told) PumpTellingWhyOnAClockThatNeverMoves(CancellationToken ct)
        {
            var told = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var pumping = DuplexPump.RunAsync(FromClient, Upstream, TimeSpan.FromHours(1), new FakeTimeProvider(), ct,
                async () =>
                {
                    await Gateway.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "access revoked", ct);
                    told.SetResult();
                    return true;
                });
            return (pumping, told.Task);
        }

        /// <summary>
        /// Once the client has been told why: it sends more than the connection holds, which must not get it cut (the pump
        /// still runs), then reads the close and answers it, which ends the pump.
        /// </summary>
        public async Task<(WebSocketReceiveResult Received, PumpResult Result)> SendMoreThenAnswerTheCloseAsync(Task<PumpResult> pumping, CancellationToken ct)
        {
            var inFlight = Client.SendAsync(new byte[2 << 20], WebSocketMessageType.Binary, endOfMessage: true, ct);
            Assert.NotSame(pumping, await Task.WhenAny(inFlight, pumping).WaitAsync(ct));
            await inFlight;
            Assert.False(pumping.IsCompleted, "the gateway cut the client at the bytes it sent after the close");

            var received = await Client.ReceiveAsync(new byte[16], ct);
            await Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            return (received, await pumping.WaitAsync(ct));
        }

        public void Dispose()
        {
            FromClient.Dispose();
            Gateway.Dispose();
            Client.Dispose();
            ClientConnection.Dispose();
            Kubelet.Dispose();
            Upstream.Dispose();
        }
    }

    /// <summary>A source that returns at most one line per read, as HttpClient reads a chunked body one chunk at a time.</summary>
    private sealed class LineSource : Stream
    {
        private readonly Queue<byte[]> _lines = new();
        private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _ended;
        private Exception? _failure;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Add(params string[] lines)
        {
            lock (_lines)
            {
                foreach (var line in lines)
                {
                    _lines.Enqueue(System.Text.Encoding.ASCII.GetBytes(line));
                }

                _arrived.TrySetResult();
            }
        }

        /// <summary>Once the lines are read, every read (zero-byte ones included) fails at once, as a cut connection's do.</summary>
        public void Fail(Exception failure)
        {
            lock (_lines)
            {
                _failure = failure;
                _arrived.TrySetResult();
            }
        }

        public void End()
        {
            lock (_lines)
            {
                _ended = true;
                _arrived.TrySetResult();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                Task arrived;
                lock (_lines)
                {
                    if (_lines.Count > 0)
                    {
                        if (buffer.IsEmpty)
                        {
                            return 0;
                        }

                        var line = _lines.Dequeue();
                        line.CopyTo(buffer);
                        return line.Length;
                    }

                    if (_failure is not null)
                    {
                        throw _failure;
                    }

                    if (_ended)
                    {
                        return 0;
                    }

                    if (_arrived.Task.IsCompleted)
                    {
                        _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    arrived = _arrived.Task;
                }

                await arrived.WaitAsync(cancellationToken);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Keeps each write as text; as a client, sends nothing (a read waits until it is cancelled).</summary>
    private sealed class RecordingTarget : Stream
    {
        private readonly List<string> _writes = [];

        public IReadOnlyList<string> Writes
        {
            get
            {
                lock (_writes)
                {
                    return [.. _writes];
                }
            }
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public async Task WaitForWritesAsync(int count, CancellationToken cancellationToken)
        {
            while (Writes.Count < count)
            {
                await Task.Delay(10, cancellationToken);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_writes)
            {
                _writes.Add(System.Text.Encoding.ASCII.GetString(buffer.Span));
            }

            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
