using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// A SPDY/3.1 connection over a duplex transport (an upgraded HTTP/1.1 connection, a WebSocket tunnel, ...)
/// in the client role (odd stream ids) or the server role (even ids). Streams the peer opens are answered with
/// SYN_REPLY at once and queued for <see cref="AcceptStreamAsync"/>; PINGs are answered automatically.
/// </summary>
/// <remarks>
/// Interoperability with moby/spdystream (kubectl, client-go, kubelets, CRI streaming servers), from its source:
/// <list type="bullet">
/// <item>It never sends SETTINGS or WINDOW_UPDATE, ignores both when received, and never limits what it sends.
/// Its only backpressure is TCP: a frame worker blocks until the application reads. So this session enforces
/// the peer's windows only once the peer has shown flow control (a SETTINGS with INITIAL_WINDOW_SIZE or any
/// WINDOW_UPDATE); before that it only counts. A window-ignoring peer is slowed by pausing this side's reader
/// once a stream has more than its window buffered, so memory stays bounded per stream either way.</item>
/// <item>It drops DATA for a stream it opened until it has received our SYN_REPLY, so the reply is written
/// before the accepted stream is handed out.</item>
/// <item>An upper-case header name, a reserved header (connection, host, ...) or an unknown control frame type
/// is a fatal error for its whole connection: names are lower-cased and no unknown frames are sent.</item>
/// <item>Clients use odd stream and ping ids, servers even ones; a PING with the other side's parity is echoed.</item>
/// <item>On GOAWAY it stops reading at once, so nothing sent after our GOAWAY is seen.</item>
/// </list>
/// </remarks>
public sealed partial class SpdySession : IAsyncDisposable
{
    private const int DefaultWindow = 64 * 1024;

    private readonly Stream _transport;
    private readonly SpdySessionOptions _options;
    private readonly SpdyFrameWriter _writer = new();
    private readonly SpdyFrameReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentQueue<SpdyFrame> _controlFrames = new();
    private readonly ArrayBufferWriter<byte> _writeBuffer = new(16 * 1024);
    private readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource> _pings = new();
    private readonly Channel<SpdyStream> _accepted = Channel.CreateUnbounded<SpdyStream>();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SpdyFlowWindow _sessionSendWindow = new(DefaultWindow);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _windowLock = new();
    private readonly Task _run;
    private uint _nextStreamId;
    private uint _nextPingId;
    private uint _lastPeerStreamId;
    private long _peerInitialWindow = DefaultWindow;
    private int _sessionUnacknowledged;
    private int _peerStreams;
    private volatile bool _peerFlowControl;
    private volatile bool _goAwaySent;
    private volatile bool _goAwayReceived;
    private int _disposed;

    private SpdySession(Stream transport, bool isClient, SpdySessionOptions options)
    {
        options.Validate();
        _transport = transport;
        _options = options;
        IsClient = isClient;
        _nextStreamId = isClient ? 1u : 2u;
        _nextPingId = isClient ? 1u : 2u;
        _reader = new SpdyFrameReader(options);
        _run = Task.Run(RunAsync);
    }

    /// <summary>True in the client role (the side that sent the HTTP upgrade request).</summary>
    public bool IsClient { get; }

    /// <summary>Completes when the connection is over: successfully on a clean close, faulted on a protocol or transport error.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts a session in the client role; the session owns <paramref name="transport"/>.</summary>
    public static SpdySession CreateClient(Stream transport, SpdySessionOptions? options = null) =>
        new(transport ?? throw new ArgumentNullException(nameof(transport)), isClient: true, options ?? new());

    /// <summary>Starts a session in the server role; the session owns <paramref name="transport"/>.</summary>
    public static SpdySession CreateServer(Stream transport, SpdySessionOptions? options = null) =>
        new(transport ?? throw new ArgumentNullException(nameof(transport)), isClient: false, options ?? new());

    /// <summary>
    /// Opens a stream (SYN_STREAM). With <paramref name="waitForReply"/> it returns once the peer's SYN_REPLY
    /// arrived, as client-go does, and throws if the peer refuses or resets the stream.
    /// </summary>
    public async Task<SpdyStream> OpenStreamAsync(SpdyHeaders headers, bool fin = false, bool waitForReply = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (_goAwayReceived || _goAwaySent || _completion.Task.IsCompleted)
        {
            throw new IOException("The SPDY session no longer accepts new streams.");
        }

        SpdyStream stream;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Ids must reach the wire in increasing order, so allocate and send under the write lock.
            if (_nextStreamId > 0x7FFFFFFF)
            {
                throw new IOException("The SPDY session has used up its stream ids.");
            }

            stream = AddStream(_nextStreamId, headers, isLocal: true);
            _nextStreamId += 2;
            if (fin)
            {
                stream.MarkLocalClosed();
            }

            await WriteLockedAsync(new SynStreamFrame(stream.Id, 0, 0, fin, false, headers)).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }

        if (!_controlFrames.IsEmpty)
        {
            _ = FlushControlFramesAsync();
        }

        if (waitForReply)
        {
            await stream.Reply.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return stream;
    }

    /// <summary>Returns the next stream the peer opened, or null once the peer can open no more (GOAWAY or close).</summary>
    public async ValueTask<SpdyStream?> AcceptStreamAsync(CancellationToken cancellationToken = default)
    {
        while (await _accepted.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_accepted.Reader.TryRead(out var stream))
            {
                return stream;
            }
        }

        return null;
    }

    /// <summary>Sends a PING and returns the round-trip time when the peer answers.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Add(ref _nextPingId, 2) - 2;
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[id] = pong;
        try
        {
            var started = _options.TimeProvider.GetTimestamp();
            await SendFrameAsync(new PingFrame(id), cancellationToken).ConfigureAwait(false);
            await pong.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return _options.TimeProvider.GetElapsedTime(started);
        }
        finally
        {
            _pings.TryRemove(id, out _);
        }
    }

    /// <summary>Sends GOAWAY: the peer may open no more streams; streams already open carry on.</summary>
    public async Task GoAwayAsync(CancellationToken cancellationToken = default)
    {
        if (_goAwaySent)
        {
            return;
        }

        _goAwaySent = true;
        await SendFrameAsync(new GoAwayFrame(Volatile.Read(ref _lastPeerStreamId), 0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends GOAWAY (bounded by <see cref="SpdySessionOptions.CloseTimeout"/>), closes the transport and ends every stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _run.ConfigureAwait(false);
            return;
        }

        if (!_completion.Task.IsCompleted)
        {
            try
            {
                _shutdown.CancelAfter(_options.CloseTimeout);
                await GoAwayAsync(_shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Best effort: the peer may already be gone.
            }
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.WebSockets.WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing a transport whose peer already left can fail; it is closed either way.
        }

        await _run.ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private SpdyStream AddStream(uint id, SpdyHeaders headers, bool isLocal)
    {
        lock (_windowLock)
        {
            var stream = new SpdyStream(this, id, headers, isLocal, _peerInitialWindow, _options.InitialWindowSize);
            _streams[id] = stream;
            if (!isLocal)
            {
                Interlocked.Increment(ref _peerStreams);
            }

            return stream;
        }
    }

    private void ForgetIfClosed(SpdyStream stream)
    {
        if (stream.IsLocalClosed && stream.IsRemoteClosed && _streams.TryRemove(new KeyValuePair<uint, SpdyStream>(stream.Id, stream)))
        {
            Forgotten(stream);
        }
    }

    private bool TryRemoveStream(uint id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SpdyStream? stream)
    {
        if (!_streams.TryRemove(id, out stream))
        {
            return false;
        }

        Forgotten(stream);
        return true;
    }

    private void Forgotten(SpdyStream stream)
    {
        if (!stream.IsLocal)
        {
            Interlocked.Decrement(ref _peerStreams);
        }
    }

    private bool IsOwnId(uint id) => (id % 2 == 1) == IsClient;
}
