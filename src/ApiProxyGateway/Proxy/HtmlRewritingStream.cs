using System.Buffers;
using System.IO.Compression;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// A proxied HTML body with its links rewritten, read as a stream: gzip and deflate (zlib) bodies are inflated
/// as they are read and deflated again in the same encoding. What it holds at any time is bounded by constants
/// (a chunk of the page, one tag, the compressors' windows), whatever the size of the inflated page.
/// </summary>
internal sealed class HtmlRewritingStream : Stream
{
    private const int ChunkSize = 16 * 1024;

    private readonly Stream _source;
    private readonly HtmlLinkRewriter _rewriter;
    private readonly ArrayBufferWriter<byte> _rewritten = new(2 * ChunkSize);
    private readonly MemoryStream? _compressed;
    private readonly Stream? _compressor;
    private byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private ReadOnlyMemory<byte> _pending;
    private bool _finished;

    /// <param name="body">The upstream body as it came (owned: disposed with this stream).</param>
    /// <param name="contentEncoding">Its content encoding; see <see cref="CanRewrite"/>.</param>
    /// <param name="links">The link rule.</param>
    public HtmlRewritingStream(Stream body, string? contentEncoding, ProxyLinks links)
    {
        ArgumentNullException.ThrowIfNull(body);
        _rewriter = new HtmlLinkRewriter(links);
        switch (contentEncoding?.ToLowerInvariant())
        {
            case "gzip":
                _source = new GZipStream(body, CompressionMode.Decompress);
                _compressed = new MemoryStream();
                _compressor = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true);
                break;
            case "deflate":
                _source = new ZLibStream(body, CompressionMode.Decompress);
                _compressed = new MemoryStream();
                _compressor = new ZLibStream(_compressed, CompressionLevel.Fastest, leaveOpen: true);
                break;
            default:
                _source = body;
                break;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The encodings whose bodies can be rewritten: none, identity, gzip and deflate (kube-apiserver's set).</summary>
    public static bool CanRewrite(string? contentEncoding) =>
        string.IsNullOrEmpty(contentEncoding) || contentEncoding.ToLowerInvariant() is "identity" or "gzip" or "deflate";

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pending.IsEmpty && !_finished && !buffer.IsEmpty)
        {
            Process(await _source.ReadAsync(_chunk.AsMemory(0, ChunkSize), cancellationToken));
        }

        return Take(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        while (_pending.IsEmpty && !_finished && !buffer.IsEmpty)
        {
            Process(_source.Read(_chunk.AsSpan(0, ChunkSize)));
        }

        return Take(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _chunk.Length > 0)
        {
            _source.Dispose();
            _compressor?.Dispose();
            _compressed?.Dispose();
            _rewriter.Dispose();
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = [];
        }

        base.Dispose(disposing);
    }

    /// <summary>Rewrites the next <paramref name="read"/> bytes of the page (0: its end) into the output waiting to be read.</summary>
    private void Process(int read)
    {
        ObjectDisposedException.ThrowIf(_chunk.Length == 0, this);
        _rewritten.ResetWrittenCount();
        if (read == 0)
        {
            _rewriter.Complete(_rewritten);
            _finished = true;
        }
        else
        {
            _rewriter.Rewrite(_chunk.AsSpan(0, read), _rewritten);
        }

        if (_compressor is null || _compressed is null)
        {
            _pending = _rewritten.WrittenMemory;
            return;
        }

        _compressed.SetLength(0);
        _compressor.Write(_rewritten.WrittenSpan);
        if (_finished)
        {
            _compressor.Dispose(); // writes the end of the compressed stream
        }
        else if (read < ChunkSize)
        {
            // A short read means the upstream had no more for now: send what is compressed so far, so a page
            // that streams (progressive rendering, logs) keeps streaming.
            _compressor.Flush();
        }

        _pending = _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }

    private int Take(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _pending.Length);
        _pending.Span[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }
}
