using System.Buffers;
using System.Buffers.Binary;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Serialises frames for one direction of one connection. It owns that direction's header compressor, so
/// frames must be written in the order they go on the wire.
/// </summary>
internal sealed class SpdyFrameWriter
{
    public const int MaxDataLength = 0xFFFFFF;
    public const ushort Version = 3;
    private const uint MaxStreamId = 0x7FFFFFFF;

    private readonly SpdyHeaderCompressor _compressor = new();

    public void Write(SpdyFrame frame, IBufferWriter<byte> output)
    {
        switch (frame)
        {
            case SpdyDataFrame data:
                WriteData(data, output);
                break;
            case SynStreamFrame syn:
                WriteHeaderFrame(SpdyFrameType.SynStream, Flags(syn.Fin, syn.Unidirectional), syn.Headers, output, prefix =>
                {
                    prefix.WriteUInt32(StreamId(syn.StreamId));
                    prefix.WriteUInt32(syn.AssociatedStreamId & MaxStreamId);
                    prefix.WriteByte((byte)((syn.Priority & 0x7) << 5));
                    prefix.WriteByte(0); // slot: CREDENTIAL is gone in SPDY/3.1
                });
                break;
            case SynReplyFrame reply:
                WriteHeaderFrame(SpdyFrameType.SynReply, Flags(reply.Fin, false), reply.Headers, output,
                    prefix => prefix.WriteUInt32(StreamId(reply.StreamId)));
                break;
            case HeadersFrame headers:
                WriteHeaderFrame(SpdyFrameType.Headers, Flags(headers.Fin, false), headers.Headers, output,
                    prefix => prefix.WriteUInt32(StreamId(headers.StreamId)));
                break;
            case RstStreamFrame rst:
                WriteFixed(SpdyFrameType.RstStream, 0, output, StreamId(rst.StreamId), (uint)rst.Status);
                break;
            case PingFrame ping:
                WriteFixed(SpdyFrameType.Ping, 0, output, ping.Id);
                break;
            case GoAwayFrame goAway:
                WriteFixed(SpdyFrameType.GoAway, 0, output, goAway.LastGoodStreamId & MaxStreamId, goAway.Status);
                break;
            case WindowUpdateFrame update:
                WriteFixed(SpdyFrameType.WindowUpdate, 0, output, update.StreamId & MaxStreamId, update.DeltaWindowSize & MaxStreamId);
                break;
            case SettingsFrame settings:
                WriteSettings(settings, output);
                break;
            case UnknownControlFrame unknown:
                WriteControlHeader(output, unknown.Type, unknown.Flags, unknown.Length);
                output.GetSpan(unknown.Length)[..unknown.Length].Clear();
                output.Advance(unknown.Length);
                break;
            default:
                throw new ArgumentException($"Unsupported frame {frame.GetType().Name}.", nameof(frame));
        }
    }

    private static void WriteData(SpdyDataFrame data, IBufferWriter<byte> output)
    {
        if (data.Data.Length > MaxDataLength)
        {
            throw new ArgumentException("A SPDY DATA frame carries at most 16 MiB - 1 bytes.", nameof(data));
        }

        var header = output.GetSpan(8);
        BinaryPrimitives.WriteUInt32BigEndian(header, StreamId(data.StreamId));
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], ((uint)Flags(data.Fin, false) << 24) | (uint)data.Data.Length);
        output.Advance(8);
        output.Write(data.Data.Span);
    }

    private void WriteHeaderFrame(ushort type, byte flags, SpdyHeaders headers, IBufferWriter<byte> output, Action<ArrayBufferWriter<byte>> writePrefix)
    {
        var body = new ArrayBufferWriter<byte>(256);
        writePrefix(body);
        _compressor.Compress(headers, body);
        WriteControlHeader(output, type, flags, body.WrittenCount);
        output.Write(body.WrittenSpan);
    }

    private static void WriteSettings(SettingsFrame settings, IBufferWriter<byte> output)
    {
        var length = 4 + (8 * settings.Entries.Count);
        WriteControlHeader(output, SpdyFrameType.Settings, settings.ClearSettings ? SpdyFrameType.FlagClearSettings : (byte)0, length);
        var span = output.GetSpan(length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)settings.Entries.Count);
        for (var i = 0; i < settings.Entries.Count; i++)
        {
            var entry = settings.Entries[i];
            BinaryPrimitives.WriteUInt32BigEndian(span[(4 + (8 * i))..], ((uint)entry.Flags << 24) | (entry.Id & 0xFFFFFF));
            BinaryPrimitives.WriteUInt32BigEndian(span[(8 + (8 * i))..], entry.Value);
        }

        output.Advance(length);
    }

    private static void WriteFixed(ushort type, byte flags, IBufferWriter<byte> output, params ReadOnlySpan<uint> words)
    {
        WriteControlHeader(output, type, flags, 4 * words.Length);
        foreach (var word in words)
        {
            output.WriteUInt32(word);
        }
    }

    private static void WriteControlHeader(IBufferWriter<byte> output, ushort type, byte flags, int length)
    {
        if (length > MaxDataLength)
        {
            throw new ArgumentException("A SPDY control frame carries at most 16 MiB - 1 bytes.", nameof(length));
        }

        output.WriteUInt32(0x80000000u | ((uint)Version << 16) | type);
        output.WriteUInt32(((uint)flags << 24) | (uint)length);
    }

    private static byte Flags(bool fin, bool unidirectional) =>
        (byte)((fin ? SpdyFrameType.FlagFin : 0) | (unidirectional ? SpdyFrameType.FlagUnidirectional : 0));

    private static uint StreamId(uint id) =>
        id is 0 or > MaxStreamId ? throw new ArgumentOutOfRangeException(nameof(id), id, "SPDY stream ids are 1..2^31-1.") : id;
}
