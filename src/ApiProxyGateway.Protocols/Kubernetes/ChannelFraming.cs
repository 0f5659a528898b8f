using System.Net.WebSockets;
using System.Text;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// Message layout of the channel protocols (apimachinery wsstream): binary messages are
/// <c>[channel][data]</c>; the base64 variants send text <c>'0'+channel</c> followed by base64 data; v5 adds
/// the close signal <c>[255][channel]</c>.
/// </summary>
internal static class ChannelFraming
{
    public const byte CloseSignal = 255;

    public static (byte[] Payload, WebSocketMessageType Type) Encode(byte channel, ReadOnlySpan<byte> data, bool base64)
    {
        if (!base64)
        {
            var payload = new byte[data.Length + 1];
            payload[0] = channel;
            data.CopyTo(payload.AsSpan(1));
            return (payload, WebSocketMessageType.Binary);
        }

        if (channel > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "Base64 channels are single digits.");
        }

        return (Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data)), WebSocketMessageType.Text);
    }

    /// <summary>
    /// Returns null for an empty message (the v5 server's "connection is open" notice carries one byte, not zero).
    /// The WebSocket message type does not matter, only the negotiated codec: Kubernetes reads every message with
    /// x/net/websocket's <c>Message.Receive</c> into a byte slice, text or binary alike (the Python client sends its
    /// stdin as text frames). In the base64 codecs the channel is the first byte minus <c>'0'</c>; a byte that is no
    /// digit names a channel nobody reads, which the caller ignores as Kubernetes does. A message that breaks the
    /// protocol throws <see cref="ChannelProtocolException"/>, and nothing else.
    /// </summary>
    public static ChannelMessage? Decode(ReadOnlySpan<byte> message, bool base64, bool closeSignals)
    {
        if (message.IsEmpty)
        {
            return null;
        }

        if (base64)
        {
            var text = Encoding.ASCII.GetString(message[1..]);
            try
            {
                return new ChannelMessage(unchecked((byte)(message[0] - '0')), Convert.FromBase64String(text), false);
            }
            catch (FormatException ex)
            {
                throw new ChannelProtocolException(WebSocketCloseStatus.InvalidPayloadData, "A base64 channel message is not valid base64.", ex);
            }
        }

        if (closeSignals && message[0] == CloseSignal)
        {
            if (message.Length != 2)
            {
                throw new ChannelProtocolException("A close signal names exactly one channel.");
            }

            return new ChannelMessage(message[1], ReadOnlyMemory<byte>.Empty, true);
        }

        return new ChannelMessage(message[0], message[1..].ToArray(), false);
    }
}
