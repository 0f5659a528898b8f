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

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly int _maxMessageSize;
    private readonly bool _base64;

    public ChannelWebSocket(WebSocket webSocket, string protocol, int maxMessageSize = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        ArgumentNullException.ThrowIfNull(protocol);
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

    /// <summary>The next message, or null once the peer has closed the WebSocket (our close is then sent back).</summary>
    public async Task<ChannelMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await WebSocket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseOutputAsync(cancellationToken).ConfigureAwait(false);
                    return null;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > _maxMessageSize)
                {
                    throw new InvalidDataException($"WebSocket message exceeds {_maxMessageSize} bytes.");
                }
            }
            while (!result.EndOfMessage);

            if (ChannelFraming.Decode(buffer.WrittenSpan, result.MessageType, _base64, SupportsCloseSignal) is { } message)
            {
                return message;
            }
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
    /// Ends the connection politely: sends our close (if not yet sent), waits a bounded time for the peer's
    /// close to end <paramref name="receiving"/>, then releases the WebSocket and its transport. Never throws:
    /// a peer that is already gone is the normal end of the story here.
    /// </summary>
    internal async Task ShutdownAsync(Task receiving, CancellationTokenSource stopReceiving)
    {
        try
        {
            await CloseOutputAsync(stopReceiving.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already.
        }

        await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        await stopReceiving.CancelAsync().ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
        WebSocket.Dispose();
    }

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
