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

    /// <summary>
    /// Decodes an inflated block. Every declared count and length is checked against the bytes that are left
    /// (and the count against <paramref name="maxHeaderCount"/>) before anything is allocated for it.
    /// </summary>
    public static SpdyHeaders Decode(ReadOnlySpan<byte> block, int maxHeaderCount)
    {
        var count = ReadUInt32(ref block);

        // Each pair needs at least its two 4-byte length prefixes.
        if (count > (uint)maxHeaderCount || count > (uint)(block.Length / 8))
        {
            throw new SpdyProtocolException(count > (uint)maxHeaderCount
                ? $"SPDY header block declares {count} headers, more than MaxHeaderCount ({maxHeaderCount})."
                : $"SPDY header block declares {count} headers but has only {block.Length} bytes for them.");
        }

        var headers = new SpdyHeaders();
        for (var i = 0u; i < count; i++)
        {
            var name = ReadBytes(ref block);
            if (name.IsEmpty)
            {
                throw new SpdyProtocolException("SPDY header block has an empty header name.");
            }

            // Several values of one name are NUL-joined; each counts against the limit.
            var value = ReadBytes(ref block);
            if (headers.Count + value.Count((byte)0) + 1 > maxHeaderCount)
            {
                throw new SpdyProtocolException($"SPDY header block carries more than MaxHeaderCount ({maxHeaderCount}) values.");
            }

            var nameText = Encoding.UTF8.GetString(name);
            foreach (var part in Encoding.UTF8.GetString(value).Split('\0'))
            {
                headers.Add(nameText, part);
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

    private static ReadOnlySpan<byte> ReadBytes(ref ReadOnlySpan<byte> block)
    {
        var length = ReadUInt32(ref block);
        if (length > (uint)block.Length)
        {
            throw new SpdyProtocolException($"SPDY header block declares a {length}-byte name or value but has only {block.Length} bytes left.");
        }

        var value = block[..(int)length];
        block = block[(int)length..];
        return value;
    }
}
