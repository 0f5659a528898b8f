namespace ApiProxyGateway.IntegrationTests.Infrastructure;

/// <summary>
/// A client's connection as it comes off the socket, before its TLS is read: notes the length of each TLS record the
/// server sends (its 5-byte header: type, version, length), so a test can see how the server cut what it sent.
/// </summary>
public sealed class TlsRecordWatchStream(Stream inner) : Stream
{
    private const byte ApplicationData = 23;

    private readonly byte[] _header = new byte[5];
    private int _headerFilled;
    private int _bodyLeft;
    private int _largest;

    /// <summary>The largest application-data record seen so far: its length field (plaintext plus the cipher's overhead).</summary>
    public int LargestApplicationRecord => Volatile.Read(ref _largest);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Note(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Note(buffer.AsSpan(offset, read));
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private void Note(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_bodyLeft > 0)
            {
                var skipped = Math.Min(_bodyLeft, bytes.Length);
                _bodyLeft -= skipped;
                bytes = bytes[skipped..];
                continue;
            }

            var taken = Math.Min(_header.Length - _headerFilled, bytes.Length);
            bytes[..taken].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += taken;
            bytes = bytes[taken..];
            if (_headerFilled == _header.Length)
            {
                _headerFilled = 0;
                _bodyLeft = (_header[3] << 8) | _header[4];
                if (_header[0] == ApplicationData && _bodyLeft > _largest)
                {
                    Volatile.Write(ref _largest, _bodyLeft);
                }
            }
        }
    }
}
