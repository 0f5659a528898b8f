using System.Buffers.Binary;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// The client's side of a WebSocket relayed byte for byte (<see cref="UpgradeRelay"/>): reads pass through, and the
/// frames the kubelet sends are followed as they are written, so the gateway knows when it may add frames of its own
/// (a Status on the error channel, a close with a reason) without cutting one of the kubelet's in half.
/// </summary>
internal sealed class WebSocketFrameTracker(Stream inner) : Stream
{
    private const byte CloseOpcode = 0x8;
    private readonly byte[] _header = new byte[14];
    private int _headerRead;
    private long _payloadLeft;
    private bool _broken;

    /// <summary>Everything written so far is whole frames, and no write failed half-way.</summary>
    public bool AtBoundary => !_broken && _headerRead == 0 && _payloadLeft == 0;

    /// <summary>The kubelet's close frame has been passed to the client: nothing may follow it.</summary>
    public bool CloseSent { get; private set; }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }
        catch
        {
            _broken = true; // part of it may have gone
            throw;
        }

        Track(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Writes frames of the gateway's own, between the kubelet's.</summary>
    public async Task WriteOwnAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken)
    {
        await inner.WriteAsync(frames, cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>An unmasked frame (the server's side): FIN, <paramref name="opcode"/>, the payload's length, the payload.</summary>
    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload)
    {
        var lengthBytes = payload.Length < 126 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        switch (lengthBytes)
        {
            case 0:
                frame[1] = (byte)payload.Length;
                break;
            case 2:
                frame[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                frame[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
                break;
        }

        payload.CopyTo(frame.AsSpan(2 + lengthBytes));
        return frame;
    }

    /// <summary>Follows RFC 6455 §5.2 framing over bytes just written: header (2–14 bytes), then the payload.</summary>
    private void Track(ReadOnlySpan<byte> written)
    {
        while (!written.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, written.Length);
                _payloadLeft -= skip;
                written = written[skip..];
                continue;
            }

            _header[_headerRead++] = written[0];
            written = written[1..];
            if (HeaderLength() is { } length && _headerRead == length)
            {
                CloseSent |= (_header[0] & 0x0F) == CloseOpcode;
                _payloadLeft = PayloadLength();
                _headerRead = 0;
            }
        }
    }

    /// <summary>The header's full length once its first two bytes are known.</summary>
    private int? HeaderLength()
    {
        if (_headerRead < 2)
        {
            return null;
        }

        var masked = (_header[1] & 0x80) != 0 ? 4 : 0;
        return (_header[1] & 0x7F) switch
        {
            126 => 4 + masked,
            127 => 10 + masked,
            _ => 2 + masked,
        };
    }

    private long PayloadLength() => (_header[1] & 0x7F) switch
    {
        126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
        127 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)), long.MaxValue),
        var small => small,
    };
}
