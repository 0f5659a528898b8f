using System.Buffers;
using System.Buffers.Binary;

namespace ApiProxyGateway.Protocols.Spdy;

internal static class BufferWriterExtensions
{
    public static void WriteUInt32(this IBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    public static void WriteByte(this IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}
