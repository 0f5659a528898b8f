using System.Buffers;
using System.Net.WebSockets;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// A WebSocket speaking one of the Kubernetes channel protocols (<c>channel.k8s.io</c>, <c>v4.channel.k8s.io</c>,
/// <c>v5.channel.k8s.io</c> and the base64 variants). Sends are serialised, since a WebSocket allows one at a time.
/// </summary>
public sealed class ChannelWebSocket : IDisposable
{
    public const byte Stdin = 0;
    public const byte Stdout = 1;
    public const byte Stderr = 2;
    public const byte Error = 3;
    public const byte Resize = 4;

    /// <summary>
    /// Largest message accepted (32 MiB). It is what Kubernetes itself accepts: apimachinery's wsstream (the
    /// kube-apiserver side of WebSocket exec/attach and the kubelet's legacy channel servers) reads each message
    /// with golang.org/x/net/websocket, whose <c>DefaultMaxPayloadBytes</c> is <c>32 &lt;&lt; 20</c>. kubectl
    /// itself never sends more than 32 KiB at once. A bigger message closes the connection with 1009 (MessageTooBig).
    /// </summary>
    public const int DefaultMaxMessageSize = 32 << 20;

    private const int ReceiveChunk = 4096;

    /// <summary>How long a close for a broken message may take before the connection is simply cut.</summary>
    private static readonly TimeSpan ViolationCloseTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly int _maxMessageSize;
    private readonly bool _base64;

    public ChannelWebSocket(WebSocket webSocket, string protocol, int maxMessageSize = DefaultMaxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 2);
        WebSocket = webSocket;
        Protocol = protocol;
        _base64 = StreamProtocols.IsBase64(protocol);
        _maxMessageSize = maxMessageSize;
        SupportsCloseSignal = protocol == StreamProtocols.RemoteCommandV5;
    }

    public WebSocket WebSocket { get; }

    public string Protocol { get; }

    /// <summary>Only v5 can say "no more data on this channel" without closing the whole connection.</summary>
    public bool SupportsCloseSignal { get; }

    public Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var (payload, type) = ChannelFraming.Encode(channel, data.Span, _base64);
        return SendRawAsync(payload, type, cancellationToken);
    }

    public Task SendCloseSignalAsync(byte channel, CancellationToken cancellationToken = default) =>
        SupportsCloseSignal
            ? SendRawAsync([ChannelFraming.CloseSignal, channel], WebSocketMessageType.Binary, cancellationToken)
            : throw new NotSupportedException($"{Protocol} has no close signal; only {StreamProtocols.RemoteCommandV5} does.");

    /// <summary>
    /// The next message, or null once the peer has closed the WebSocket (our close is then sent back). A message
    /// that breaks the protocol (over the size limit, a bad close signal, bad base64) closes the WebSocket with the
    /// matching status and a reason naming the rule, then throws that <see cref="ChannelProtocolException"/>.
    /// </summary>
    public async Task<ChannelMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            while (true)
            {
                if (await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false) is not { } received)
                {
                    return null;
                }

                var (buffer, length) = received;
                try
                {
                    if (ChannelFraming.Decode(buffer.AsSpan(0, length), _base64, SupportsCloseSignal) is { } message)
                    {
                        return message;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (ChannelProtocolException ex)
        {
            await CloseForViolationAsync(ex, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the closing handshake (normal closure) unless it is already under way.</summary>
    public async Task CloseOutputAsync(CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (WebSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await WebSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void Dispose() => _sendLock.Dispose();

    /// <summary>
    /// Ends the connection: sends our close (if not yet sent), then releases the WebSocket and its transport. Never
    /// throws: a peer that is already gone is the normal end of the story here.
    /// </summary>
    /// <param name="receiving">The receive loop, stopped through <paramref name="stopReceiving"/>.</param>
    /// <param name="stopReceiving">Stops the receive loop.</param>
    /// <param name="awaitPeerClose">Wait (up to 5 s) for the peer's close before the connection ends.</param>
    internal async Task ShutdownAsync(Task receiving, CancellationTokenSource stopReceiving, bool awaitPeerClose)
    {
        try
        {
            await CloseOutputAsync(stopReceiving.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already.
        }

        if (awaitPeerClose)
        {
            await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        }

        await stopReceiving.CancelAsync().ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
        WebSocket.Dispose();
    }

    /// <summary>
    /// Reads one whole message into a pooled buffer that grows as the message does, but never past one byte over
    /// the limit: the buffer the caller must return and the message length (its type plays no part); null on the peer's close.
    /// </summary>
    private async Task<(byte[] Buffer, int Length)?> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveChunk);
        var length = 0;
        var handedOut = false;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, _maxMessageSize + 1L));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                var room = (int)Math.Min(buffer.Length - length, _maxMessageSize + 1L - length);
                var result = await WebSocket.ReceiveAsync(buffer.AsMemory(length, room), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await ReplyToCloseAsync(cancellationToken).ConfigureAwait(false);
                    return null;
                }

                length += result.Count;
                if (length > _maxMessageSize)
                {
                    throw new ChannelProtocolException(WebSocketCloseStatus.MessageTooBig, $"message larger than the channel protocol limit of {_maxMessageSize} bytes");
                }

                if (result.EndOfMessage)
                {
                    handedOut = true;
                    return (buffer, length);
                }
            }
        }
        finally
        {
            if (!handedOut)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Answers the peer's close. A Kubernetes server closes the connection right after its close frame, so the
    /// answer may find the connection gone; the close was clean all the same.
    /// </summary>
    private async Task ReplyToCloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CloseOutputAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            // The peer has already gone, as it may.
        }
    }

    /// <summary>Tells the peer why the connection ends (best effort, bounded in time): a close frame with the status and reason.</summary>
    private async Task CloseForViolationAsync(ChannelProtocolException violation, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ViolationCloseTimeout);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (WebSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await WebSocket.CloseOutputAsync(violation.CloseStatus, CloseReason(violation.Message), timeout.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone or stuck; the connection ends either way and the exception says why.
        }
    }

    /// <summary>A close reason is at most 123 bytes of UTF-8 (RFC 6455 5.5); ours are ASCII.</summary>
    private static string CloseReason(string message) => message.Length <= 123 ? message : message[..123];

    private async Task SendRawAsync(byte[] payload, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WebSocket.SendAsync(payload, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
