using System.Buffers;
using System.Buffers.Binary;

namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Follows the frames of one direction of a SPDY/3.1 connection that is relayed byte for byte, without changing
/// anything: where each frame ends, and the control frames that open, half-close and reset streams (told to an
/// <see cref="ISpdyStreamObserver"/>). Header blocks are inflated with this direction's zlib stream, so the scanner
/// must see the direction from its first byte; a scanner told not to read headers (a direction whose stream headers
/// nobody needs: the kubelet's) keeps no zlib history and inflates nothing, reads only stream ids and flags, and never tells <see cref="ISpdyStreamObserver.Opened"/>. DATA payloads are never copied: the observer sees them as they pass. It never throws: a frame it
/// cannot follow (malformed, or a control frame over <see cref="MaxControlFrameLength"/>) makes the direction
/// <see cref="Lost"/>, after which nothing can be added to it.
/// </summary>
public sealed class SpdyFrameScanner(ISpdyStreamObserver? observer = null, bool readHeaders = true) : IFrameScanner
{
    /// <summary>
    /// The largest control frame followed. Kubernetes' streams open with a few short headers; a relay only loses the
    /// ability to add frames past it, so it is far below what a session accepts (<see cref="SpdySessionOptions"/>).
    /// </summary>
    public const int MaxControlFrameLength = 64 * 1024;

    private const int HeaderLength = 8;

    private static readonly SpdySessionOptions ReaderOptions = new() { MaxControlFrameLength = MaxControlFrameLength, MaxHeaderBlockSize = MaxControlFrameLength * 4 };

    private readonly byte[] _header = new byte[HeaderLength];
    private int _headerLength;
    private int _dataRemaining;
    private uint _dataStreamId;
    private bool _dataFin;
    private int _skipRemaining;
    private byte[]? _control;
    private int _controlLength;
    private int _controlFilled;
    private SpdyFrameReader? _reader;

    public bool Lost { get; private set; }

    /// <summary>Every byte seen so far ends a whole frame (or none has been seen).</summary>
    public bool AtFrameBoundary => !Lost && _headerLength == 0 && _dataRemaining == 0 && _skipRemaining == 0 && _control is null;

    public void Scan(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !Lost)
        {
            data = data[Advance(data)..];
        }
    }

    /// <summary>Follows <paramref name="data"/> up to the next frame boundary (at a boundary, past the whole next frame); returns how many bytes that took.</summary>
    public int ScanToBoundary(ReadOnlySpan<byte> data)
    {
        var taken = 0;
        while (taken < data.Length && !Lost)
        {
            taken += Advance(data[taken..]);
            if (AtFrameBoundary)
            {
                break;
            }
        }

        return taken;
    }

    private int Advance(ReadOnlySpan<byte> data)
    {
        if (_dataRemaining > 0)
        {
            var count = Math.Min(_dataRemaining, data.Length);
            _dataRemaining -= count;
            observer?.Data(_dataStreamId, data[..count]);
            if (_dataRemaining == 0 && _dataFin)
            {
                observer?.HalfClosed(_dataStreamId);
            }

            return count;
        }

        if (_skipRemaining > 0)
        {
            var count = Math.Min(_skipRemaining, data.Length);
            _skipRemaining -= count;
            return count;
        }

        if (_control is not null)
        {
            var count = Math.Min(_controlLength - _controlFilled, data.Length);
            data[..count].CopyTo(_control.AsSpan(_controlFilled));
            _controlFilled += count;
            if (_controlFilled == _controlLength)
            {
                ControlFrameComplete();
            }

            return count;
        }

        var take = Math.Min(HeaderLength - _headerLength, data.Length);
        data[..take].CopyTo(_header.AsSpan(_headerLength));
        _headerLength += take;
        if (_headerLength == HeaderLength)
        {
            _headerLength = 0;
            FrameHeaderComplete();
        }

        return take;
    }

    private void FrameHeaderComplete()
    {
        var first = BinaryPrimitives.ReadUInt32BigEndian(_header);
        var flags = _header[4];
        var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4)) & 0xFFFFFF);
        if ((first & 0x80000000) == 0)
        {
            _dataRemaining = length;
            _dataStreamId = first & 0x7FFFFFFF;
            _dataFin = (flags & SpdyFrameType.FlagFin) != 0;
            if (length == 0 && _dataFin)
            {
                observer?.HalfClosed(_dataStreamId);
            }

            return;
        }

        // Another version's frame is malformed whatever its type, as SpdyFrameReader and the peers (spdystream) hold.
        var type = (ushort)(first & 0xFFFF);
        if (((first >> 16) & 0x7FFF) != SpdyFrameWriter.Version)
        {
            Lost = true;
            return;
        }

        if (!SpdyFrameType.IsKnown(type))
        {
            _skipRemaining = length;
            return;
        }

        if (length > MaxControlFrameLength)
        {
            Lost = true;
            return;
        }

        if (type is not (SpdyFrameType.SynStream or SpdyFrameType.SynReply or SpdyFrameType.Headers or SpdyFrameType.RstStream))
        {
            // WINDOW_UPDATE, PING, SETTINGS, GOAWAY tell nothing about streams: skipped like DATA, never buffered or
            // parsed (a client sends a WINDOW_UPDATE for every few DATA frames it reads).
            _skipRemaining = length;
            return;
        }

        _controlLength = HeaderLength + length;
        _control = ArrayPool<byte>.Shared.Rent(_controlLength);
        _header.CopyTo(_control, 0);
        _controlFilled = HeaderLength;
        if (_controlFilled == _controlLength)
        {
            ControlFrameComplete();
        }
    }

    private void ControlFrameComplete()
    {
        var control = _control!; // set by FrameHeaderComplete before any byte of the frame's payload arrives
        _control = null;
        if (!readHeaders)
        {
            TellWithoutHeaders(control.AsSpan(0, _controlLength));
            ArrayPool<byte>.Shared.Return(control);
            return;
        }

        try
        {
            _reader ??= new SpdyFrameReader(ReaderOptions);
            var bytes = new ReadOnlySequence<byte>(control, 0, _controlLength);
            if (!_reader.TryRead(ref bytes, out var frame))
            {
                Lost = true;
                return;
            }

            Tell(frame);
        }
        catch (SpdyProtocolException)
        {
            Lost = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(control);
        }
    }

    /// <summary>A control frame read for its stream id and FIN flag only, with the lengths <see cref="SpdyFrameReader"/> requires.</summary>
    private void TellWithoutHeaders(ReadOnlySpan<byte> frame)
    {
        var type = (ushort)(BinaryPrimitives.ReadUInt32BigEndian(frame) & 0xFFFF);
        var fin = (frame[4] & SpdyFrameType.FlagFin) != 0;
        var payload = frame[HeaderLength..];
        var minimum = type switch
        {
            SpdyFrameType.SynStream => 10,
            SpdyFrameType.RstStream => 8,
            _ => 4,
        };
        if (payload.Length < minimum || (type == SpdyFrameType.RstStream && payload.Length != 8))
        {
            Lost = true;
            return;
        }

        var streamId = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF;
        if (type == SpdyFrameType.RstStream)
        {
            observer?.Reset(streamId);
        }
        else if (fin)
        {
            observer?.HalfClosed(streamId);
        }
    }

    private void Tell(SpdyFrame frame)
    {
        switch (frame)
        {
            case SynStreamFrame syn:
                observer?.Opened(syn.StreamId, syn.Headers);
                if (syn.Fin)
                {
                    observer?.HalfClosed(syn.StreamId);
                }

                break;
            case SynReplyFrame { Fin: true } reply:
                observer?.HalfClosed(reply.StreamId);
                break;
            case HeadersFrame { Fin: true } headers:
                observer?.HalfClosed(headers.StreamId);
                break;
            case RstStreamFrame reset:
                observer?.Reset(reset.StreamId);
                break;
        }
    }
}
