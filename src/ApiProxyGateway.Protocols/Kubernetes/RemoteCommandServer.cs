using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Threading.Channels;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The server (kubelet) side of exec/attach after the protocol was negotiated: the process's standard streams,
/// resize events, and the final status. Over SPDY the client opens one stream per channel; over WebSocket the
/// channels are multiplexed in messages.
/// </summary>
/// <remarks>
/// After <c>CompleteAsync</c> the client closes the connection once it has read everything; wait for
/// that (e.g. <see cref="SpdySession.Completion"/>) before disposing the transport, as closing a socket with
/// unread input can make TCP reset the connection and lose output.
/// </remarks>
public sealed class RemoteCommandServer : IAsyncDisposable
{
    private readonly Channel<TerminalSize> _resizes = Channel.CreateUnbounded<TerminalSize>();
    private readonly Func<byte[], CancellationToken, Task> _finish;
    private readonly Func<ValueTask> _dispose;
    private readonly Task _resizeLoop;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _connectionFailed = new();
    private readonly Task _connectionWatch;
    private int _finished;

    private RemoteCommandServer(
        string protocol,
        RemoteCommandOptions options,
        (Stream? Stdin, Stream? Stdout, Stream? Stderr, Stream? Resize) streams,
        Task<Exception?> connectionEnded,
        Func<byte[], CancellationToken, Task> finish,
        Func<ValueTask> dispose)
    {
        Protocol = protocol;
        ProtocolVersion = StreamProtocols.RemoteCommandVersion(protocol);
        Options = options;
        (Stdin, Stdout, Stderr, _) = streams;
        _finish = finish;
        _dispose = dispose;
        _resizeLoop = streams.Resize is null ? CompleteResizes() : PumpResizesAsync(streams.Resize);
        _connectionWatch = WatchConnectionAsync(connectionEnded);
    }

    public string Protocol { get; }

    public int ProtocolVersion { get; }

    public RemoteCommandOptions Options { get; }

    /// <summary>What the client types; ends when the client closes stdin (or the connection).</summary>
    public Stream? Stdin { get; }

    public Stream? Stdout { get; }

    /// <summary>Null when not requested or when a TTY merges it into stdout.</summary>
    public Stream? Stderr { get; }

    /// <summary>Terminal size changes (TTY only); completes when the client stops sending them.</summary>
    public ChannelReader<TerminalSize> Resizes => _resizes.Reader;

    /// <summary>
    /// Cancelled when the client's connection failed rather than closed: it broke the protocol (e.g. a WebSocket
    /// message over the size limit, which has already been answered with a close saying so) or the transport
    /// broke. Whoever serves the command should then end it; <see cref="ConnectionError"/> says why.
    /// </summary>
    public CancellationToken ConnectionFailed => _connectionFailed.Token;

    /// <summary>Why the client's connection failed (see <see cref="ConnectionFailed"/>), or null.</summary>
    public Exception? ConnectionError { get; private set; }

    /// <summary>
    /// Waits for the client's streams (SYN_STREAMs with <c>streamType</c> headers) as the kubelet does, failing
    /// with <see cref="TimeoutException"/> if they are not all there within <paramref name="streamCreationTimeout"/>.
    /// </summary>
    public static async Task<RemoteCommandServer> AcceptSpdyAsync(
        SpdySession session, string protocol, RemoteCommandOptions options, TimeSpan streamCreationTimeout, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        var version = StreamProtocols.RemoteCommandVersion(protocol);
        var expected = new HashSet<string>(StringComparer.Ordinal) { StreamHeaders.Error };
        AddIf(expected, options.Stdin, StreamHeaders.Stdin);
        AddIf(expected, options.Stdout, StreamHeaders.Stdout);
        AddIf(expected, options.HasStderr, StreamHeaders.Stderr);
        AddIf(expected, options.Tty && version >= 3, StreamHeaders.Resize);

        var streams = await SpdyStreamCollector.CollectAsync(session, expected, streamCreationTimeout, timeProvider ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
        var error = streams[StreamHeaders.Error];
        var stdout = streams.GetValueOrDefault(StreamHeaders.Stdout);
        var stderr = streams.GetValueOrDefault(StreamHeaders.Stderr);
        return new RemoteCommandServer(
            protocol,
            options,
            (streams.GetValueOrDefault(StreamHeaders.Stdin), stdout, stderr, streams.GetValueOrDefault(StreamHeaders.Resize)),
            FailureOf(session.Completion),
            async (status, ct) =>
            {
                foreach (var output in new[] { stdout, stderr })
                {
                    if (output is not null)
                    {
                        await output.CloseWriteAsync(ct).ConfigureAwait(false);
                    }
                }

                await error.WriteAndCloseAsync(status, ct).ConfigureAwait(false);
            },
            async () =>
            {
                foreach (var stream in streams.Values)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            });
    }

    /// <summary>
    /// Serves an accepted WebSocket (v4/v5 channel protocols or their base64 forms). Like the API server it
    /// first sends an empty message on the lowest channel it writes to, so the client knows the stream is up.
    /// The connection ends politely: see the overload with <c>waitForClientClose</c>.
    /// </summary>
    public static Task<RemoteCommandServer> AcceptWebSocketAsync(
        WebSocket webSocket, string protocol, RemoteCommandOptions options, CancellationToken cancellationToken = default) =>
        AcceptWebSocketAsync(webSocket, protocol, options, waitForClientClose: true, cancellationToken);

    /// <summary>Serves an accepted WebSocket, choosing how the connection ends.</summary>
    /// <param name="webSocket">The accepted WebSocket.</param>
    /// <param name="protocol">The negotiated channel protocol.</param>
    /// <param name="options">The streams the client asked for.</param>
    /// <param name="waitForClientClose">
    /// After the status and our close frame, wait (up to 5 s) for the client's close before the connection ends, as
    /// RFC 6455 has it: no client data can then arrive on a closed socket and make TCP reset the connection under
    /// the client's last reads. False ends the connection at once, as x/net/websocket (the kubelet's stream server)
    /// does; a client that looks at its socket only once it becomes readable (the Python client) then sees the close
    /// without waiting.
    /// </param>
    /// <param name="cancellationToken">Ends the wait for the first send.</param>
    public static async Task<RemoteCommandServer> AcceptWebSocketAsync(
        WebSocket webSocket, string protocol, RemoteCommandOptions options, bool waitForClientClose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var socket = new ChannelWebSocket(webSocket, protocol);
        var pipes = new Dictionary<byte, Pipe>();
        if (options.Stdin)
        {
            pipes[ChannelWebSocket.Stdin] = ChannelDemultiplexer.CreatePipe();
        }

        if (options.Tty)
        {
            pipes[ChannelWebSocket.Resize] = ChannelDemultiplexer.CreatePipe();
        }

        var stop = new CancellationTokenSource();
        var receiving = new ChannelDemultiplexer(socket, pipes).RunAsync(stop.Token);
        var first = options.Stdout ? ChannelWebSocket.Stdout : options.HasStderr ? ChannelWebSocket.Stderr : ChannelWebSocket.Error;
        await socket.SendAsync(first, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);

        return new RemoteCommandServer(
            protocol,
            options,
            (
                pipes.GetValueOrDefault(ChannelWebSocket.Stdin)?.Reader.AsStream(),
                options.Stdout ? new ChannelWriteStream(socket, ChannelWebSocket.Stdout, closeSignalOnDispose: false) : null,
                options.HasStderr ? new ChannelWriteStream(socket, ChannelWebSocket.Stderr, closeSignalOnDispose: false) : null,
                pipes.GetValueOrDefault(ChannelWebSocket.Resize)?.Reader.AsStream()),
            receiving,
            async (status, ct) =>
            {
                // Like the API server: status on the error channel, then our close.
                await socket.SendAsync(ChannelWebSocket.Error, status, ct).ConfigureAwait(false);
                await socket.ShutdownAsync(receiving, stop, waitForClientClose).ConfigureAwait(false);
            },
            async () =>
            {
                await socket.ShutdownAsync(receiving, stop, waitForClientClose).ConfigureAwait(false);
                stop.Dispose();
                socket.Dispose();
            });
    }

    /// <summary>Ends stdout/stderr and reports the exit code (v4+: a metav1.Status; v1-v3: error text if non-zero).</summary>
    public Task CompleteAsync(int exitCode, CancellationToken cancellationToken = default) =>
        FinishAsync(ExecStatusCodec.EncodeExit(exitCode, ProtocolVersion), cancellationToken);

    /// <summary>Relays how a command ended elsewhere (e.g. what a <see cref="RemoteCommandClient"/> got from a kubelet).</summary>
    public Task CompleteAsync(RemoteCommandResult result, CancellationToken cancellationToken = default) =>
        result?.Error is { } error ? FailAsync(error, cancellationToken) : CompleteAsync(result?.ExitCode ?? 0, cancellationToken);

    /// <summary>Ends the command with a failure that is not an exit code (e.g. the container is gone).</summary>
    public Task FailAsync(string message, CancellationToken cancellationToken = default) =>
        FinishAsync(ExecStatusCodec.EncodeFailure(message, ProtocolVersion), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _dispose().ConfigureAwait(false);
        await _resizeLoop.ConfigureAwait(false);
        await _connectionWatch.ConfigureAwait(false);
        _stop.Dispose();
        _connectionFailed.Dispose();
    }

    private static void AddIf(HashSet<string> set, bool condition, string value)
    {
        if (condition)
        {
            set.Add(value);
        }
    }

    private static async Task<Exception?> FailureOf(Task completion)
    {
        try
        {
            await completion.ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private async Task WatchConnectionAsync(Task<Exception?> connectionEnded)
    {
        // Disposing ends the connection too (and cancels the wait); that is not a failure of the client's.
        await ((Task)connectionEnded).WaitAsync(_stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_stop.IsCancellationRequested && connectionEnded.IsCompletedSuccessfully && connectionEnded.Result is { } failure)
        {
            ConnectionError = failure;
            await _connectionFailed.CancelAsync().ConfigureAwait(false);
        }
    }

    private Task FinishAsync(byte[] status, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _finished, 1) == 0
            ? _finish(status, cancellationToken)
            : throw new InvalidOperationException("The remote command has already been completed.");

    private Task CompleteResizes()
    {
        _resizes.Writer.TryComplete();
        return Task.CompletedTask;
    }

    private async Task PumpResizesAsync(Stream resize)
    {
        try
        {
            await foreach (var size in TerminalSizeReader.ReadAllAsync(resize, _stop.Token).ConfigureAwait(false))
            {
                _resizes.Writer.TryWrite(size);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or OperationCanceledException or InvalidOperationException
            or System.Net.WebSockets.WebSocketException)
        {
            // A broken resize stream only ends resizing; the command itself carries on. Over a WebSocket the resize
            // channel fails with the connection (a client gone without a close frame), which ConnectionFailed reports.
        }
        finally
        {
            _resizes.Writer.TryComplete();
        }
    }
}
