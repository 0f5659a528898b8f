namespace ApiProxyGateway.Streaming;

/// <summary>Bytes carried in one direction of a stream, readable while it runs and after it failed.</summary>
internal sealed class ByteCount
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Add(long bytes) => Interlocked.Add(ref _value, bytes);
}
