using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Incremental parser for one direction of one connection: call <see cref="TryRead"/> with whatever bytes have
/// arrived; it consumes whole control frames and hands out DATA payloads as they arrive. A DATA frame longer than
/// <c>maxDataFragment</c> is delivered in pieces so that a peer's 16 MiB frame never has to be buffered whole, and
/// the payload of an unknown control frame is skipped as it arrives, never buffered.
/// </summary>
/// <remarks>
/// Every limit of <see cref="SpdySessionOptions"/> and <see cref="SpdyLimits"/> is checked before the bytes it
/// governs are buffered or allocated; breaking one throws a <see cref="SpdyProtocolException"/> that names it.
/// After any exception the reader (its zlib stream in particular) is unusable.
/// </remarks>
internal sealed class SpdyFrameReader
{
    private const int HeaderLength = 8;

    private readonly int _maxControlFrameLength;
    private readonly int _maxDataFragment;
    private readonly SpdyHeaderDecompressor _decompressor;
    private uint _dataStreamId;
    private int _dataRemaining;
    private bool _dataFin;
    private int _skipRemaining;

    public SpdyFrameReader(SpdySessionOptions? options = null, int maxDataFragment = 64 * 1024)
    {
        options ??= new SpdySessionOptions();
        _maxControlFrameLength = options.MaxControlFrameLength;
        _maxDataFragment = maxDataFragment;
        _decompressor = new SpdyHeaderDecompressor(options.MaxHeaderBlockSize, options.MaxHeaderCount);
    }

    public bool TryRead(ref ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out SpdyFrame? frame)
    {
        frame = null;
        if (_skipRemaining > 0)
        {
            var skipped = (int)Math.Min(buffer.Length, _skipRemaining);
            _skipRemaining -= skipped;
            buffer = buffer.Slice(skipped);
            if (_skipRemaining > 0)
            {
                return false;
            }
        }

        if (_dataRemaining > 0)
        {
            return TryReadDataPiece(ref buffer, out frame);
        }

        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var first = BinaryPrimitives.ReadUInt32BigEndian(header);
        var flags = header[4];
        var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(header[4..]) & 0xFFFFFF);

        if ((first & 0x80000000) == 0)
        {
            var streamId = first & 0x7FFFFFFF;
            var fin = (flags & SpdyFrameType.FlagFin) != 0;
            if (length <= _maxDataFragment)
            {
                if (buffer.Length < HeaderLength + length)
                {
                    return false;
                }

                frame = new SpdyDataFrame(streamId, fin, buffer.Slice(HeaderLength, length).ToArray());
                buffer = buffer.Slice(HeaderLength + length);
                return true;
            }

            _dataStreamId = streamId;
            _dataRemaining = length;
            _dataFin = fin;
            buffer = buffer.Slice(HeaderLength);
            return TryReadDataPiece(ref buffer, out frame);
        }

        var version = (first >> 16) & 0x7FFF;
        if (version != 3)
        {
            throw new SpdyProtocolException($"Unsupported SPDY version {version}.");
        }

        if (length > _maxControlFrameLength)
        {
            throw new SpdyProtocolException($"SPDY control frame of {length} bytes exceeds MaxControlFrameLength ({_maxControlFrameLength} bytes).");
        }

        var type = (ushort)(first & 0xFFFF);
        if (!SpdyFrameType.IsKnown(type))
        {
            // Receivers ignore unknown control frames (SPDY/3.1 2.2.1): hand out the header, skip the payload.
            frame = new UnknownControlFrame(type, flags, length);
            buffer = buffer.Slice(HeaderLength);
            _skipRemaining = length;
            return true;
        }

        if (buffer.Length < HeaderLength + length)
        {
            return false;
        }

        var payload = buffer.Slice(HeaderLength, length);
        frame = ParseControl(type, flags, payload);
        buffer = buffer.Slice(HeaderLength + length);
        return true;
    }

    private bool TryReadDataPiece(ref ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out SpdyFrame? frame)
    {
        frame = null;
        if (buffer.IsEmpty)
        {
            return false;
        }

        var count = (int)Math.Min(Math.Min(buffer.Length, _dataRemaining), _maxDataFragment);
        _dataRemaining -= count;
        frame = new SpdyDataFrame(_dataStreamId, _dataFin && _dataRemaining == 0, buffer.Slice(0, count).ToArray());
        buffer = buffer.Slice(count);
        return true;
    }

    private SpdyFrame ParseControl(ushort type, byte flags, ReadOnlySequence<byte> payload)
    {
        var fin = (flags & SpdyFrameType.FlagFin) != 0;
        switch (type)
        {
            case SpdyFrameType.SynStream:
                RequireAtLeast(payload, 10, "SYN_STREAM");
                return new SynStreamFrame(
                    Word(payload, 0) & 0x7FFFFFFF,
                    Word(payload, 4) & 0x7FFFFFFF,
                    (byte)(Byte(payload, 8) >> 5),
                    fin,
                    (flags & SpdyFrameType.FlagUnidirectional) != 0,
                    _decompressor.Decompress(payload.Slice(10)));
            case SpdyFrameType.SynReply:
                RequireAtLeast(payload, 4, "SYN_REPLY");
                return new SynReplyFrame(Word(payload, 0) & 0x7FFFFFFF, fin, _decompressor.Decompress(payload.Slice(4)));
            case SpdyFrameType.Headers:
                RequireAtLeast(payload, 4, "HEADERS");
                return new HeadersFrame(Word(payload, 0) & 0x7FFFFFFF, fin, _decompressor.Decompress(payload.Slice(4)));
            case SpdyFrameType.RstStream:
                RequireExactly(payload, 8, "RST_STREAM");
                return new RstStreamFrame(Word(payload, 0) & 0x7FFFFFFF, (SpdyStreamStatus)Word(payload, 4));
            case SpdyFrameType.Ping:
                RequireExactly(payload, 4, "PING");
                return new PingFrame(Word(payload, 0));
            case SpdyFrameType.GoAway:
                RequireExactly(payload, 8, "GOAWAY");
                return new GoAwayFrame(Word(payload, 0) & 0x7FFFFFFF, Word(payload, 4));
            case SpdyFrameType.WindowUpdate:
                RequireExactly(payload, 8, "WINDOW_UPDATE");
                return new WindowUpdateFrame(Word(payload, 0) & 0x7FFFFFFF, Word(payload, 4) & 0x7FFFFFFF);
            case SpdyFrameType.Settings:
                return ParseSettings(flags, payload);
            default:
                throw new UnreachableException($"Control frame type {type} is not one TryRead parses.");
        }
    }

    private static SettingsFrame ParseSettings(byte flags, ReadOnlySequence<byte> payload)
    {
        RequireAtLeast(payload, 4, "SETTINGS");
        var count = Word(payload, 0);
        if (count > SpdyLimits.MaxSettingsEntries)
        {
            throw new SpdyProtocolException($"SPDY SETTINGS frame declares {count} entries, more than MaxSettingsEntries ({SpdyLimits.MaxSettingsEntries}).");
        }

        if (payload.Length != 4 + (8L * count))
        {
            throw new SpdyProtocolException($"SPDY SETTINGS frame declares {count} entries but carries {payload.Length - 4} bytes for them.");
        }

        var entries = new SpdySetting[count];
        for (var i = 0; i < count; i++)
        {
            var idWord = Word(payload, 4 + (8 * i));
            entries[i] = new SpdySetting((byte)(idWord >> 24), idWord & 0xFFFFFF, Word(payload, 8 + (8 * i)));
        }

        return new SettingsFrame((flags & SpdyFrameType.FlagClearSettings) != 0, entries);
    }

    private static uint Word(ReadOnlySequence<byte> payload, int offset)
    {
        Span<byte> word = stackalloc byte[4];
        payload.Slice(offset, 4).CopyTo(word);
        return BinaryPrimitives.ReadUInt32BigEndian(word);
    }

    private static byte Byte(ReadOnlySequence<byte> payload, int offset) => payload.Slice(offset, 1).FirstSpan[0];

    private static void RequireAtLeast(ReadOnlySequence<byte> payload, int length, string name)
    {
        if (payload.Length < length)
        {
            throw new SpdyProtocolException($"{name} frame is shorter than {length} bytes.");
        }
    }

    private static void RequireExactly(ReadOnlySequence<byte> payload, int length, string name)
    {
        if (payload.Length != length)
        {
            throw new SpdyProtocolException($"{name} frame must be {length} bytes long, not {payload.Length}.");
        }
    }
}
