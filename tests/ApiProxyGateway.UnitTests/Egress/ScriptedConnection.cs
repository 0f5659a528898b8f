namespace ApiProxyGateway.UnitTests.Egress;

/// <summary>A connection whose peer answers with fixed bytes (a few at a time, as a network would) and records what it was sent.</summary>
internal sealed class ScriptedConnection(byte[] answer, int chunk = 7) : Stream
{
    private int _position;

    public MemoryStream Sent { get; } = new();

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, chunk), answer.Length - _position);
        Array.Copy(answer, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Sent.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Sent.Dispose();
        }

        base.Dispose(disposing);
    }
}
