using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Json;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The client (kubectl) side of exec/attach after the protocol was negotiated. Read <see cref="Stdout"/> and
/// <see cref="Stderr"/> while waiting for the exit, since an unread channel eventually stops the connection.
/// </summary>
public sealed class RemoteCommandClient : IAsyncDisposable
{
    /// <summary>The most the error stream may carry (1 MiB): a metav1.Status with its message, with room to spare.</summary>
    public const int MaxStatusLength = 1 << 20;

    private readonly Stream _error;
    private readonly Func<CancellationToken, ValueTask> _closeStdin;
    private readonly Func<TerminalSize, CancellationToken, Task>? _resize;
    private readonly Func<ValueTask> _dispose;

    private RemoteCommandClient(
        string protocol,
        (Stream? Stdin, Stream? Stdout, Stream? Stderr, Stream Error) streams,
        Func<CancellationToken, ValueTask> closeStdin,
        Func<TerminalSize, CancellationToken, Task>? resize,
        Func<ValueTask> dispose)
    {
        Protocol = protocol;
        ProtocolVersion = StreamProtocols.RemoteCommandVersion(protocol);
        (Stdin, Stdout, Stderr, _error) = streams;
        _closeStdin = closeStdin;
        _resize = resize;
        _dispose = dispose;
    }

    public string Protocol { get; }

    public int ProtocolVersion { get; }

    public Stream? Stdin { get; }

    public Stream? Stdout { get; }

    public Stream? Stderr { get; }

    /// <summary>
    /// Opens the streams the way client-go does: error first, then stdin, stdout, stderr (not with a TTY) and
    /// resize (TTY, v3+), each waiting for the server's SYN_REPLY.
    /// </summary>
    public static async Task<RemoteCommandClient> StartSpdyAsync(
        SpdySession session, string protocol, RemoteCommandOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        var version = StreamProtocols.RemoteCommandVersion(protocol);
        async Task<SpdyStream?> OpenAsync(bool wanted, string type) =>
            wanted ? await session.OpenStreamAsync(new SpdyHeaders { { StreamHeaders.StreamType, type } }, cancellationToken: cancellationToken).ConfigureAwait(false) : null;

        var error = await session.OpenStreamAsync(new SpdyHeaders { { StreamHeaders.StreamType, StreamHeaders.Error } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var stdin = await OpenAsync(options.Stdin, StreamHeaders.Stdin).ConfigureAwait(false);
        var stdout = await OpenAsync(options.Stdout, StreamHeaders.Stdout).ConfigureAwait(false);
        var stderr = await OpenAsync(options.HasStderr, StreamHeaders.Stderr).ConfigureAwait(false);
        var resize = await OpenAsync(options.Tty && version >= 3, StreamHeaders.Resize).ConfigureAwait(false);
        SpdyStream?[] all = [error, stdin, stdout, stderr, resize];
        return new RemoteCommandClient(
            protocol,
            (stdin, stdout, stderr, error),
            ct => stdin?.CloseWriteAsync(ct) ?? ValueTask.CompletedTask,
            resize is null ? null : (size, ct) => WriteResizeAsync(resize, size, ct),
            async () =>
            {
                foreach (var stream in all)
                {
                    if (stream is not null)
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                    }
                }
            });
    }

    /// <summary>Runs over a WebSocket that negotiated a channel protocol (kubectl 1.30+ sends v5 only).</summary>
    public static RemoteCommandClient StartWebSocket(WebSocket webSocket, string protocol, RemoteCommandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var socket = new ChannelWebSocket(webSocket, protocol);
        var pipes = new Dictionary<byte, Pipe> { [ChannelWebSocket.Error] = ChannelDemultiplexer.CreatePipe() };
        if (options.Stdout)
        {
            pipes[ChannelWebSocket.Stdout] = ChannelDemultiplexer.CreatePipe();
        }

        if (options.HasStderr)
        {
            pipes[ChannelWebSocket.Stderr] = ChannelDemultiplexer.CreatePipe();
        }

        var stop = new CancellationTokenSource();
        var receiving = new ChannelDemultiplexer(socket, pipes).RunAsync(stop.Token);
        var stdin = options.Stdin ? new ChannelWriteStream(socket, ChannelWebSocket.Stdin, closeSignalOnDispose: true) : null;
        var resize = options.Tty ? new ChannelWriteStream(socket, ChannelWebSocket.Resize, closeSignalOnDispose: false) : null;
        return new RemoteCommandClient(
            protocol,
            (stdin, pipes.GetValueOrDefault(ChannelWebSocket.Stdout)?.Reader.AsStream(), pipes.GetValueOrDefault(ChannelWebSocket.Stderr)?.Reader.AsStream(), pipes[ChannelWebSocket.Error].Reader.AsStream()),
            ct => stdin is null ? ValueTask.CompletedTask
                : socket.SupportsCloseSignal ? stdin.DisposeAsync()
                : throw new NotSupportedException($"{protocol} cannot close stdin without closing the connection."),
            resize is null ? null : (size, ct) => WriteResizeAsync(resize, size, ct),
            async () =>
            {
                await socket.ShutdownAsync(receiving, stop, awaitPeerClose: true).ConfigureAwait(false);
                stop.Dispose();
                socket.Dispose();
            });
    }

    /// <summary>
    /// Tells the server stdin is done: FIN over SPDY, the close signal over v5. Older WebSocket protocols have
    /// no way to say it, so there it throws <see cref="NotSupportedException"/>.
    /// </summary>
    public ValueTask CloseStdinAsync(CancellationToken cancellationToken = default) => _closeStdin(cancellationToken);

    public Task ResizeAsync(TerminalSize size, CancellationToken cancellationToken = default) =>
        _resize?.Invoke(size, cancellationToken) ?? throw new InvalidOperationException("Resizing needs a TTY (and protocol v3 or later).");

    /// <summary>
    /// Reads the error stream to its end and turns it into the exit code or error, as client-go does, but keeps at
    /// most <see cref="MaxStatusLength"/> bytes of it (client-go reads it whole): a status is a small JSON object.
    /// </summary>
    public async Task<RemoteCommandResult> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        using var status = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await _error.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (status.Length + read > MaxStatusLength)
            {
                throw new IOException($"The error stream carried more than the status limit of {MaxStatusLength} bytes.");
            }

            status.Write(chunk, 0, read);
        }

        return ExecStatusCodec.Decode(status.ToArray(), ProtocolVersion);
    }

    public ValueTask DisposeAsync() => _dispose();

    private static Task WriteResizeAsync(Stream resize, TerminalSize size, CancellationToken cancellationToken)
    {
        // json.Encoder writes one object and a newline per event.
        var json = JsonSerializer.SerializeToUtf8Bytes(size, ProtocolJsonContext.Default.TerminalSize);
        byte[] line = [.. json, (byte)'\n'];
        return resize.WriteAsync(line, 0, line.Length, cancellationToken);
    }
}
