using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// The last bytes a relay writes to a client whose exec, attach or port-forward it ends while the stream is in use,
/// when the stream otherwise passes through byte for byte: the reason, where the client's library reads a kubelet's
/// error (the remote-command error channel as a Status from v4 on and as text before; each port's error channel or
/// stream for port-forward), and on a WebSocket a close frame that carries it too.
/// kubectl and the official clients print what arrives there, so the user learns why the stream ended.
/// </summary>
public static class StreamFarewell
{
    /// <summary>RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of which are the status code.</summary>
    public const int MaxCloseReasonBytes = 123;

    private const byte TextFrame = 1;
    private const byte BinaryFrame = 2;
    private const byte CloseFrame = 8;

    /// <summary>
    /// Server frames (unmasked) for a WebSocket that negotiated <paramref name="protocol"/>: the error-channel messages
    /// (unless <paramref name="closeOnly"/>: inside a fragmented message only a control frame may come), then the close.
    /// </summary>
    public static byte[] WebSocket(string message, string protocol, bool portForward, int ports, bool closeOnly)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(protocol);
        var output = new ArrayBufferWriter<byte>(256);
        var told = false;
        if (!closeOnly)
        {
            var base64 = StreamProtocols.IsBase64(protocol);
            foreach (var (channel, payload) in ErrorChannels(message, protocol, portForward, ports))
            {
                if (base64 && channel > 9)
                {
                    break; // the base64 codec names single-digit channels only
                }

                var (frame, type) = ChannelFraming.Encode(channel, payload, base64);
                WriteFrame(output, type == WebSocketMessageType.Text ? TextFrame : BinaryFrame, frame);
                told = true;
            }
        }

        // Once the reason is on the error channel, the connection closes normally, as a kubelet's does after a failed
        // command (client-go then ends every channel with EOF, so the error stream is read to its end and only the Status
        // is printed; v5's close signal goes from client to server only); otherwise the close is the
        // only place for it: 1008, policy violation.
        var reason = Encoding.UTF8.GetBytes(CloseReason(message));
        var close = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(close, (ushort)(told ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.PolicyViolation));
        reason.CopyTo(close, 2);
        WriteFrame(output, CloseFrame, close);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// DATA frames, each with FIN, on the error streams of a SPDY connection that negotiated <paramref name="protocol"/>;
    /// then an empty DATA frame with FIN on each of <paramref name="otherStreams"/> (stdout, stderr, a forwarded
    /// connection's data), as a kubelet ends its side of them. kubectl reads a stream's error only once its other streams
    /// have ended: so ended, it prints the reason and closes the connection itself, instead of waiting for the
    /// connection to be cut, which it may take for the end before it has read the reason.
    /// </summary>
    public static byte[] Spdy(string message, string protocol, IEnumerable<uint> errorStreams, IEnumerable<uint>? otherStreams = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(errorStreams);
        var payload = protocol == StreamProtocols.PortForwardV1 || !IsRemoteCommand(protocol)
            ? Encoding.UTF8.GetBytes(message)
            : ExecStatusCodec.EncodeFailure(message, StreamProtocols.RemoteCommandVersion(protocol));
        var output = new ArrayBufferWriter<byte>(256);
        var writer = new SpdyFrameWriter();
        foreach (var stream in errorStreams)
        {
            writer.Write(new SpdyDataFrame(stream, Fin: true, payload), output);
        }

        foreach (var stream in otherStreams ?? [])
        {
            writer.Write(new SpdyDataFrame(stream, Fin: true, ReadOnlyMemory<byte>.Empty), output);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary><paramref name="message"/> cut to at most <see cref="MaxCloseReasonBytes"/> bytes of UTF-8, never inside a character.</summary>
    public static string CloseReason(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Encoding.UTF8.GetByteCount(message) <= MaxCloseReasonBytes)
        {
            return message;
        }

        var budget = MaxCloseReasonBytes - Encoding.UTF8.GetByteCount("...");
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

    private static IEnumerable<(byte Channel, byte[] Payload)> ErrorChannels(string message, string protocol, bool portForward, int ports)
    {
        if (portForward)
        {
            // The kubelet's port-forward WebSocket (no protocol, v4.channel.k8s.io or v4.base64.channel.k8s.io): port i has
            // data channel 2i and error channel 2i+1.
            if (protocol is "" or StreamProtocols.RemoteCommandV4 or StreamProtocols.RemoteCommandBase64V4)
            {
                var text = Encoding.UTF8.GetBytes(message);
                for (var port = 0; port < ports && (2 * port) + 1 < ChannelFraming.CloseSignal; port++)
                {
                    yield return ((byte)((2 * port) + 1), text);
                }
            }

            yield break;
        }

        if (IsRemoteCommand(protocol))
        {
            yield return (3, ExecStatusCodec.EncodeFailure(message, StreamProtocols.RemoteCommandVersion(protocol)));
        }
    }

    private static bool IsRemoteCommand(string protocol) =>
        protocol is "" or StreamProtocols.RemoteCommandV1 or StreamProtocols.RemoteCommandV2 or StreamProtocols.RemoteCommandV3
            or StreamProtocols.RemoteCommandV4 or StreamProtocols.RemoteCommandV5 or StreamProtocols.RemoteCommandBase64V1 or StreamProtocols.RemoteCommandBase64V4;

    /// <summary>One unmasked, final frame (RFC 6455 §5.2), as a server writes it.</summary>
    private static void WriteFrame(ArrayBufferWriter<byte> output, byte opcode, ReadOnlySpan<byte> payload)
    {
        var header = output.GetSpan(10);
        header[0] = (byte)(0x80 | opcode);
        int headerLength;
        if (payload.Length < 126)
        {
            header[1] = (byte)payload.Length;
            headerLength = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)payload.Length);
            headerLength = 4;
        }
        else
        {
            header[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)payload.Length);
            headerLength = 10;
        }

        output.Advance(headerLength);
        output.Write(payload);
    }
}
