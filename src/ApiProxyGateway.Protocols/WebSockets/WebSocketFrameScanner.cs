using System.Buffers.Binary;

namespace ApiProxyGateway.Protocols.WebSockets;

/// <summary>
/// Follows the frames of one direction of a WebSocket connection that is relayed byte for byte (RFC 6455 §5.2),
/// without buffering or changing anything: where each frame ends, whether a fragmented message is open and whether
/// a close frame has passed. A relay uses it to add frames of its own (a last message, a close with a reason) only
/// where they cannot land inside someone else's. It never throws: bytes that cannot be a frame header make the
/// direction <see cref="Lost"/>, after which nothing can be added to it.
/// </summary>
/// <remarks>
/// .NET's <c>WebSocket</c> cannot follow a stream it does not own, and a relay must not terminate the kubelet's
/// WebSocket to read it (that would change what passes), so the framing is followed here; only the frame header
/// (at most 14 bytes) is ever held.
/// </remarks>
public sealed class WebSocketFrameScanner(IWebSocketMessageObserver? observer = null) : IFrameScanner
{
    private const byte FinBit = 0x80;
    private const byte MaskBit = 0x80;
    private const int MaxControlPayload = 125;

    private readonly byte[] _header = new byte[14];
    private readonly byte[] _mask = new byte[4];
    private int _headerLength;
    private long _payloadRemaining;
    private bool _masked;
    private int _maskOffset;
    private bool _dataFrame;
    private bool _finalFrame;
    private bool _messageStarting;

    /// <summary>The bytes could not be followed as WebSocket frames; nothing may be added to this direction.</summary>
    public bool Lost { get; private set; }

    /// <summary>A data frame without FIN has passed and its message's last frame has not: only control frames may come between.</summary>
    public bool InsideFragmentedMessage { get; private set; }

    /// <summary>A close frame has passed: nothing may follow it in this direction.</summary>
    public bool Closed { get; private set; }

    /// <summary>Every byte seen so far ends a whole frame (or none has been seen).</summary>
    public bool AtFrameBoundary => !Lost && _headerLength == 0 && _payloadRemaining == 0;

    /// <summary>Follows all of <paramref name="data"/>.</summary>
    public void Scan(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !Lost)
        {
            data = data[Advance(data)..];
        }
    }

    /// <summary>
    /// Follows <paramref name="data"/> up to the next frame boundary and returns how many of its bytes that took: at a
    /// boundary, the whole next frame; all of them when the boundary lies beyond. After <see cref="Lost"/> it takes nothing.
    /// </summary>
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

    /// <summary>Consumes part of the current header or payload; returns how many bytes.</summary>
    private int Advance(ReadOnlySpan<byte> data)
    {
        if (_payloadRemaining > 0)
        {
            var count = (int)Math.Min(_payloadRemaining, data.Length);
            _payloadRemaining -= count;
            if (observer is not null && _dataFrame)
            {
                Tell(data[..count]);
            }

            return count;
        }

        var needed = _headerLength < 2 ? 2 : HeaderLength(_header[1]);
        var take = Math.Min(needed - _headerLength, data.Length);
        data[..take].CopyTo(_header.AsSpan(_headerLength));
        _headerLength += take;
        if (_headerLength == 2 && HeaderLength(_header[1]) > 2)
        {
            return take; // the extended length or the mask key follows
        }

        if (_headerLength == needed)
        {
            FrameHeaderComplete();
        }

        return take;
    }

    private static int HeaderLength(byte second) =>
        2 + ((second & 0x7F) switch { 126 => 2, 127 => 8, _ => 0 }) + ((second & MaskBit) != 0 ? 4 : 0);

    private void FrameHeaderComplete()
    {
        var first = _header[0];
        var second = _header[1];
        var fin = (first & FinBit) != 0;
        var opcode = first & 0x0F;
        long length = (second & 0x7F) switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)),
            var small => small,
        };
        _headerLength = 0;

        var valid = !Closed && length >= 0 && opcode switch
        {
            0 => InsideFragmentedMessage,
            1 or 2 => !InsideFragmentedMessage,
            8 or 9 or 10 => fin && length <= MaxControlPayload,
            _ => false,
        };
        if (!valid)
        {
            Lost = true;
            return;
        }

        if (opcode is 0 or 1 or 2)
        {
            _messageStarting = opcode != 0;
            InsideFragmentedMessage = !fin;
        }
        else if (opcode == 8)
        {
            Closed = true;
        }

        _dataFrame = opcode is 0 or 1 or 2;
        _finalFrame = fin;
        _masked = (second & MaskBit) != 0;
        if (_masked)
        {
            _header.AsSpan(HeaderLength(second) - 4, 4).CopyTo(_mask);
            _maskOffset = 0;
        }

        _payloadRemaining = length;
        if (length == 0 && observer is not null && _dataFrame)
        {
            Tell([]);
        }
    }

    /// <summary>Hands a piece of a data frame's payload, unmasked, to the observer.</summary>
    private void Tell(ReadOnlySpan<byte> payload)
    {
        var start = _messageStarting;
        _messageStarting = false;
        var end = _finalFrame && _payloadRemaining == 0;
        if (!_masked)
        {
            observer!.Payload(payload, start, end); // set when a data frame is followed for it
            return;
        }

        Span<byte> chunk = stackalloc byte[256];
        do
        {
            var piece = payload[..Math.Min(chunk.Length, payload.Length)];
            for (var i = 0; i < piece.Length; i++)
            {
                chunk[i] = (byte)(piece[i] ^ _mask[(_maskOffset + i) & 3]);
            }

            _maskOffset = (_maskOffset + piece.Length) & 3;
            payload = payload[piece.Length..];
            observer!.Payload(chunk[..piece.Length], start, end && payload.IsEmpty);
            start = false;
        }
        while (!payload.IsEmpty);
    }
}
