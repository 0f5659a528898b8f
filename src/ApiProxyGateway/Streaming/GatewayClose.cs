using System.Net.WebSockets;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sessions;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// The close a client's WebSocket gets when the gateway ends its stream while it is in use: 1008, policy violation,
/// when the session guard revoked or denied it; 1001, going away, when the gateway is shutting down; with the reason
/// cut to the 123 bytes a close frame carries.
/// </summary>
internal static class GatewayClose
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>1001 (going away) when the gateway shuts down, else 1008 (policy violation).</summary>
    public static WebSocketCloseStatus Status(SessionEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        return end.EndedBy == SessionEnd.Shutdown ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.PolicyViolation;
    }

    /// <summary><paramref name="message"/> cut to the bytes a close frame carries.</summary>
    public static string Reason(string message) => StreamFarewell.CloseReason(message);

    /// <summary>Closes <paramref name="socket"/> with the gateway's reason if it ended the stream; true if it did.</summary>
    public static async Task<bool> TryCloseAsync(WebSocket socket, StreamContext stream, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (stream.EndedByGateway is not { } end || socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return false;
        }

        using var deadline = new CancellationTokenSource(CloseTimeout, timeProvider);
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
