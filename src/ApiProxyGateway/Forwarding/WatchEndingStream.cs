using System.Buffers.Binary;

namespace ApiProxyGateway.Forwarding;

/// <summary>
/// A watch's event stream from the API server that ends, cleanly and between two events, once the gateway's drain
/// period is over: YARP then finishes the response as if the API server had closed the watch, and the pass-through
/// can still append its own last event (a Status) to a JSON watch. Cancelling the forwarding instead would make YARP
/// reset the stream, which clients report as an internal error with no reason.
/// </summary>
/// <remarks>
/// Events are framed by a newline in JSON watches and by a 4-byte big-endian length in protobuf ones
/// (<c>application/vnd.kubernetes.protobuf;stream=watch</c>); an event that has begun is always relayed whole.
/// </remarks>
internal sealed class WatchEndingStream(Stream inner, bool lengthPrefixed, CancellationToken drained) : Stream
{
    private readonly byte[] _prefix = new byte[4];
    private int _prefixRead;
    private long _frameLeft;
    private bool _ended;

    /// <summary>Whether the watch was ended by the drain (not by the API server).</summary>
    public bool EndedByDrain => _ended;

    /// <summary>True when everything relayed so far is whole events.</summary>
    private bool AtBoundary => lengthPrefixed ? _prefixRead == 0 && _frameLeft == 0 : _frameLeft == 0;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return 0;
        }

        if (!AtBoundary)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Track(buffer.Span[..read]);
        }

        // Between events: the drain may end the watch here, even while the API server has nothing to send (YARP waits
        // for data with a zero-byte read, whose 0 is not the end; the read after it is).
        if (drained.IsCancellationRequested)
        {
            _ended = true;
            return 0;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drained);
        try
        {
            var read = await inner.ReadAsync(buffer, either.Token);
            return Track(buffer.Span[..read]);
        }
        catch (OperationCanceledException) when (drained.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _ended = true;
            return 0;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Follows the framing over the bytes just read; returns their count.</summary>
    private int Track(ReadOnlySpan<byte> read)
    {
        if (!lengthPrefixed)
        {
            // 1 while an event is incomplete: JSON watch events each end with a newline.
            _frameLeft = read.IsEmpty ? _frameLeft : read[^1] == (byte)'\n' ? 0 : 1;
            return read.Length;
        }

        var rest = read;
        while (!rest.IsEmpty)
        {
            if (_frameLeft > 0)
            {
                var body = (int)Math.Min(_frameLeft, rest.Length);
                _frameLeft -= body;
                rest = rest[body..];
                continue;
            }

            _prefix[_prefixRead++] = rest[0];
            rest = rest[1..];
            if (_prefixRead == _prefix.Length)
            {
                _frameLeft = BinaryPrimitives.ReadUInt32BigEndian(_prefix);
                _prefixRead = 0;
            }
        }

        return read.Length;
    }
}
