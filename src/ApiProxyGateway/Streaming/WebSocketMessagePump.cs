using System.Buffers;
using System.Net.WebSockets;
using ApiProxyGateway.Protocols.WebSockets;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Relays WebSocket messages both ways with their types and boundaries. A close from one side is passed to the
/// other; the relay ends when both have closed, a side fails, or nothing moves for the idle timeout.
/// </summary>
/// <remarks>
/// Each fragment is forwarded as it arrives, never accumulated into a message, so a direction holds one
/// 16 KiB buffer whatever the message size. There is no message size limit here: as behind kube-apiserver's
/// byte-for-byte proxy, the kubelet applies its own (and its 1009 close is passed back to the client).
/// </remarks>
internal static class WebSocketMessagePump
{
    private const int BufferSize = 16 * 1024;
    /// <summary>How long the other side has to answer a close before it is cut.</summary>
    internal static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Relays until a side closes or fails, the idle timeout passes or <paramref name="cancellationToken"/> ends it;
    /// then <paramref name="firstSideEnded"/>, if given, runs before anything is cut (it closes the client with the
    /// gateway's reason when the session guard ended the stream by aborting the upstream). Observers, when given, see
    /// each direction's messages as they pass (a session recording).
    /// </summary>
    public static async Task<PumpResult> RunAsync(WebSocket client, WebSocket upstream, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken,
        Func<Task<bool>>? firstSideEnded = null, IWebSocketMessageObserver? fromClientObserver = null, IWebSocketMessageObserver? toClientObserver = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(upstream);
        using var idle = new CancellationTokenSource(idleTimeout, timeProvider);
        using var grace = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token, grace.Token);
        long fromClient = 0, toClient = 0;
        var up = RelayAsync(client, upstream, bytes => Interlocked.Add(ref fromClient, bytes), idle, idleTimeout, fromClientObserver, stop.Token);
        var down = RelayAsync(upstream, client, bytes => Interlocked.Add(ref toClient, bytes), idle, idleTimeout, toClientObserver, stop.Token);
        var first = await Task.WhenAny(up, down);
        var endedBy = idle.IsCancellationRequested ? "idle-timeout"
            : cancellationToken.IsCancellationRequested ? "shutdown"
            : first == up ? "client" : "upstream";

        // Give the other side a moment to answer the close, then cut what is left.
        var told = firstSideEnded is not null && await firstSideEnded();
        grace.CancelAfter(first.IsFaulted && !told ? TimeSpan.Zero : CloseGrace);
        await Task.WhenAll(Quietly(up), Quietly(down));

        client.Abort();
        upstream.Abort();
        return new PumpResult(Interlocked.Read(ref fromClient), Interlocked.Read(ref toClient), endedBy);
    }

    private static async Task RelayAsync(WebSocket from, WebSocket to, Action<long> count, CancellationTokenSource idle, TimeSpan idleTimeout, IWebSocketMessageObserver? observer, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var messageStart = true;
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, cancellationToken);
                    }

                    return;
                }

                observer?.Payload(buffer.AsSpan(0, received.Count), messageStart, received.EndOfMessage);
                messageStart = received.EndOfMessage;
                await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken);
                count(received.Count);
                idle.CancelAfter(idleTimeout);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // One side went away; both are aborted next.
        }
    }
}
