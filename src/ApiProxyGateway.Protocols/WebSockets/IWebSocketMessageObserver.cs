namespace ApiProxyGateway.Protocols.WebSockets;

/// <summary>What a <see cref="WebSocketFrameScanner"/> tells about the data messages it follows.</summary>
public interface IWebSocketMessageObserver
{
    /// <summary>
    /// A piece of a text or binary message's payload, unmasked: <paramref name="messageStart"/> on the first piece of a
    /// message, <paramref name="messageEnd"/> on its last (both on a message of one piece; an empty message comes as one
    /// empty piece). Only valid during the call.
    /// </summary>
    void Payload(ReadOnlySpan<byte> payload, bool messageStart, bool messageEnd);
}
