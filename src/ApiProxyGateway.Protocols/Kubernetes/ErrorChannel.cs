using System.Net.WebSockets;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The remote-command error channel (3) as a WebSocket message, for a relay that passes a kubelet's WebSocket
/// through and must end the command itself: client-go reads what arrives there as the command's outcome and
/// prints a failure's message.
/// </summary>
public static class ErrorChannel
{
    private const byte Channel = 3;

    /// <summary>
    /// The message that ends a command with <paramref name="message"/> under <paramref name="subprotocol"/>, or null
    /// when that protocol has no Status on its error channel (before v4, or not a remote-command protocol).
    /// </summary>
    public static (byte[] Payload, WebSocketMessageType Type)? Failure(string? subprotocol, string message)
    {
        var (version, base64) = subprotocol switch
        {
            StreamProtocols.RemoteCommandV5 => (5, false),
            StreamProtocols.RemoteCommandV4 => (4, false),
            StreamProtocols.RemoteCommandBase64V4 => (4, true),
            _ => (0, false),
        };
        return version == 0 ? null : ChannelFraming.Encode(Channel, ExecStatusCodec.EncodeFailure(message, version), base64);
    }
}
