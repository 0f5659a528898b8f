using System.Net;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// A request body that is another content's, with its headers, written through a <see cref="FlushingWriteStream"/>.
/// The inner content still does the copying (YARP follows the progress and the errors of its own content), and is
/// disposed with this one.
/// </summary>
internal sealed class FlushingContent : HttpContent
{
    private readonly HttpContent _inner;

    public FlushingContent(HttpContent inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        foreach (var (name, values) in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _inner.CopyToAsync(new FlushingWriteStream(stream), context, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        var known = _inner.Headers.ContentLength;
        length = known ?? 0;
        return known.HasValue;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
