using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// The plaintext side of an HTTP/1.1 upstream connection. It follows the request framing HttpClient writes (head,
/// then a Content-Length or chunked body) and rewrites only request heads, turning each
/// <see cref="HeaderLines.PlaceholderPrefix"/> line into the header line it carries. Bodies and upgraded streams
/// pass through untouched, so nothing a client sends in a body can ever become a header.
/// </summary>
internal sealed class HeaderLineSplittingStream(Stream inner) : Stream
{
    private const int MaxHeadBytes = 256 * 1024;
    private static readonly byte[] HeadTerminator = "\r\n\r\n"u8.ToArray();

    private const int HeadBufferSize = 4096;
    private readonly RequestBodyFraming _body = new();
    private readonly byte[] _statusPrefix = new byte[12];

    // Pooled, and only while a head is being written: a connection then holds no buffer of its own while it waits
    // (a followed log's response, an upgraded port-forward), which counts with thousands of them open.
    private ArrayPoolBufferWriter<byte>? _head;
    private volatile Phase _phase = Phase.Head; // written by the write side, read by a concurrently pending read
    private int _statusPrefixLength;

    private enum Phase
    {
        Head,
        Body,
        AwaitingUpgradeResponse,
        Raw,
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Step by step: a request head is buffered until its blank line, rewritten and written; body bytes are
        // counted through the framing parser and written as they are; after an accepted upgrade everything is raw.
        while (!buffer.IsEmpty)
        {
            switch (_phase)
            {
                case Phase.Head:
                    buffer = await ConsumeHeadAsync(buffer, cancellationToken);
                    break;
                case Phase.Body:
                    var taken = _body.Advance(buffer.Span);
                    await inner.WriteAsync(buffer[..taken], cancellationToken);
                    buffer = buffer[taken..];
                    if (_body.IsComplete)
                    {
                        _phase = Phase.Head;
                    }

                    break;
                default:
                    await inner.WriteAsync(buffer, cancellationToken);
                    return;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (_phase == Phase.AwaitingUpgradeResponse)
        {
            ObserveUpgradeResponse(buffer.Span[..read]);
        }

        return read;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // _head is left alone: HttpClient may dispose this stream from another thread while a write is inside
            // ConsumeHeadAsync, and returning the array here too could hand one pooled array to two renters. A head
            // cut short is simply dropped (the pool does not need its arrays back).
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<ReadOnlyMemory<byte>> ConsumeHeadAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        // The terminator may straddle writes: search from a few bytes before the new data.
        _head ??= new ArrayPoolBufferWriter<byte>(HeadBufferSize);
        var searchFrom = Math.Max(0, _head.WrittenCount - (HeadTerminator.Length - 1));
        _head.Write(buffer.Span);
        var end = _head.WrittenSpan[searchFrom..].IndexOf(HeadTerminator);
        if (end < 0)
        {
            if (_head.WrittenCount > MaxHeadBytes)
            {
                throw new IOException("request head exceeds the upstream limit");
            }

            return ReadOnlyMemory<byte>.Empty;
        }

        var headLength = searchFrom + end + HeadTerminator.Length;
        var consumedFromBuffer = buffer.Length - (_head.WrittenCount - headLength);
        using var rewritten = new ArrayPoolBufferWriter<byte>(HeadBufferSize);
        var framing = RequestHead.Rewrite(_head.WrittenSpan[..headLength], rewritten);
        _head.Dispose();
        _head = null;

        // The phase changes before the head goes out: on a reused connection HttpClient already has a read pending
        // (its idle-connection check), which the kubelet's 101 can complete before this write returns. Set after
        // the write, that read would miss the 101, and the upgraded stream's first bytes would then be taken for a
        // refusal, turning the next client bytes into a "request head" that is never sent.
        if (framing.IsUpgrade)
        {
            _statusPrefixLength = 0;
            _phase = Phase.AwaitingUpgradeResponse;
        }
        else
        {
            _body.Start(framing);
            _phase = _body.IsComplete ? Phase.Head : Phase.Body;
        }

        await inner.WriteAsync(rewritten.WrittenMemory, cancellationToken);
        return buffer[consumedFromBuffer..];
    }

    private void ObserveUpgradeResponse(ReadOnlySpan<byte> data)
    {
        var take = Math.Min(data.Length, _statusPrefix.Length - _statusPrefixLength);
        data[..take].CopyTo(_statusPrefix.AsSpan(_statusPrefixLength));
        _statusPrefixLength += take;
        if (_statusPrefixLength < _statusPrefix.Length)
        {
            return;
        }

        // "HTTP/1.1 101": the connection now carries the upgraded protocol. Anything else was an ordinary response
        // to a body-less request, and the next write is a new request head.
        _phase = _statusPrefix.AsSpan(9, 3).SequenceEqual("101"u8) ? Phase.Raw : Phase.Head;
    }
}
