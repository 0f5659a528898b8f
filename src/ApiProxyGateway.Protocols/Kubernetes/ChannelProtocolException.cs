using System.Net.WebSockets;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The peer broke a channel protocol's message rules (a message over the size limit, the wrong message type,
/// bad base64, a malformed close signal); the connection cannot continue. <see cref="CloseStatus"/> is the
/// WebSocket close code that says so, and the message, short enough for a close frame, names the rule. It is an
/// <see cref="IOException"/>, as <see cref="Spdy.SpdyProtocolException"/> is: to a reader, the connection broke.
/// </summary>
public sealed class ChannelProtocolException : IOException
{
    public ChannelProtocolException()
        : this("The channel protocol was violated.")
    {
    }

    public ChannelProtocolException(string message)
        : this(WebSocketCloseStatus.ProtocolError, message)
    {
    }

    public ChannelProtocolException(string message, Exception innerException)
        : base(message, innerException) => CloseStatus = WebSocketCloseStatus.ProtocolError;

    public ChannelProtocolException(WebSocketCloseStatus closeStatus, string message, Exception? innerException = null)
        : base(message, innerException) => CloseStatus = closeStatus;

    public WebSocketCloseStatus CloseStatus { get; }
}
