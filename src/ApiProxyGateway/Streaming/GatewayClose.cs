using System.Net.WebSockets;
using System.Text;
using ApiProxyGateway.Sessions;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// The close a client's WebSocket gets when the gateway ends its stream while it is in use: 1008, policy violation,
/// when the session guard revoked or denied it; 1001, going away, when the gateway is shutting down; with the reason
/// cut to the 123 bytes a close frame carries.
/// </summary>
internal static class GatewayClose
{
    /// <summary>RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of which are the status code.</summary>
    public const int MaxReasonBytes = 123;

    public static WebSocketCloseStatus Status(SessionEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        return end.EndedBy == SessionEnd.Shutdown ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.PolicyViolation;
    }

    /// <summary><paramref name="message"/> cut to at most <see cref="MaxReasonBytes"/> bytes of UTF-8, never inside a character.</summary>
    public static string Reason(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Encoding.UTF8.GetByteCount(message) <= MaxReasonBytes)
        {
            return message;
        }

        var budget = MaxReasonBytes - Encoding.UTF8.GetByteCount("...");
        var cut = new StringBuilder();
        foreach (var rune in message.EnumerateRunes())
        {
            budget -= rune.Utf8SequenceLength;
            if (budget < 0)
            {
                break;
            }

            cut.Append(rune.ToString());
        }

        return cut.Append("...").ToString();
    }

    /// <summary>Closes <paramref name="socket"/> with the gateway's reason if it ended the stream; true if it did.</summary>
    public static async Task<bool> TryCloseAsync(WebSocket socket, StreamContext stream)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.EndedByGateway is not { } end || socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return false;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.CloseOutputAsync(Status(end), Reason(end.Message), deadline.Token);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return false; // the client is gone already
        }
    }
}
