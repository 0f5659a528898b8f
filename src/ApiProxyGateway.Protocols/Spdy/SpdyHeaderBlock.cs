using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// The uncompressed name/value block: a 32-bit count, then per name a 32-bit length and bytes, a 32-bit length
/// and the value bytes. Several values of one name travel as one value joined with NUL, as the spec asks.
/// </summary>
internal static class SpdyHeaderBlock
{
    public static byte[] Encode(SpdyHeaders headers)
    {
        var grouped = new List<(string Name, List<string> Values)>();
        foreach (var (name, value) in headers)
        {
            var index = grouped.FindIndex(g => g.Name == name);
            if (index < 0)
            {
                grouped.Add((name, [value]));
            }
            else
            {
                grouped[index].Values.Add(value);
            }
        }

        var output = new ArrayBufferWriter<byte>(256);
        WriteUInt32(output, (uint)grouped.Count);
        foreach (var (name, values) in grouped)
        {
            WriteString(output, name);
            WriteString(output, string.Join('\0', values));
        }

        return output.WrittenSpan.ToArray();
    }

    public static SpdyHeaders Decode(ReadOnlySpan<byte> block)
    {
        var headers = new SpdyHeaders();
        var count = ReadUInt32(ref block);
        for (var i = 0u; i < count; i++)
        {
            var name = ReadString(ref block);
            if (name.Length == 0)
            {
                throw new SpdyProtocolException("SPDY header block has an empty header name.");
            }

            foreach (var value in ReadString(ref block).Split('\0'))
            {
                headers.Add(name, value);
            }
        }

        if (!block.IsEmpty)
        {
            throw new SpdyProtocolException("SPDY header block has trailing bytes.");
        }

        return headers;
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt32(output, (uint)length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private static uint ReadUInt32(ref ReadOnlySpan<byte> block)
    {
        if (block.Length < 4)
        {
            throw new SpdyProtocolException("SPDY header block is truncated.");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        return value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> block)
    {
        var length = ReadUInt32(ref block);
        if (length > (uint)block.Length)
        {
            throw new SpdyProtocolException("SPDY header block is truncated.");
        }

        var value = Encoding.UTF8.GetString(block[..(int)length]);
        block = block[(int)length..];
        return value;
    }
}
