using System.Buffers.Binary;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>RFC 6455 §5.2 frames written by hand, so that tests can choose every header bit (even the invalid ones).</summary>
internal static class WebSocketFrameBytes
{
    public const byte Continuation = 0;
    public const byte Text = 1;
    public const byte Binary = 2;
    public const byte Close = 8;
    public const byte Ping = 9;
    public const byte Pong = 10;

    /// <summary>
    /// One frame: the length in its shortest encoding unless <paramref name="lengthBytes"/> (0, 2 or 8) forces one; masked
    /// with <paramref name="mask"/> when given (as a client sends), unmasked otherwise (as a server sends).
    /// </summary>
    public static byte[] Frame(byte opcode, bool fin, ReadOnlySpan<byte> payload, byte[]? mask = null, int? lengthBytes = null)
    {
        var extended = lengthBytes ?? (payload.Length < 126 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8);
        var frame = new byte[2 + extended + (mask is null ? 0 : 4) + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | opcode);
        frame[1] = (byte)((mask is null ? 0 : 0x80) | extended switch { 0 => payload.Length, 2 => 126, _ => 127 });
        if (extended == 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else if (extended == 8)
        {
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }

        var body = frame.AsSpan(2 + extended);
        if (mask is not null)
        {
            mask.CopyTo(body);
            body = body[4..];
        }

        for (var i = 0; i < payload.Length; i++)
        {
            body[i] = mask is null ? payload[i] : (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }

    /// <summary>A frame header alone that declares <paramref name="length"/> payload bytes in the 64-bit encoding.</summary>
    public static byte[] Header64(byte opcode, bool fin, ulong length)
    {
        var header = new byte[10];
        header[0] = (byte)((fin ? 0x80 : 0) | opcode);
        header[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), length);
        return header;
    }
}
