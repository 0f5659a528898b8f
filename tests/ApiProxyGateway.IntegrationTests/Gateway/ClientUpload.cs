using System.Net;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>
/// A request body of unknown length (chunked over HTTP/1.1) that the test writes piece by piece while the request is
/// open, each piece flushed to the connection as it is written, until <see cref="Complete"/> ends it.
/// </summary>
internal sealed class ClientUpload : HttpContent
{
    private readonly TaskCompletionSource<Stream> _body = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client starts on the body (its request head goes out with the first piece at the latest).</summary>
    public Task Opened => _body.Task;

    public long Sent { get; private set; }

    public async Task WriteAsync(ReadOnlyMemory<byte> piece, CancellationToken cancellationToken)
    {
        var body = await _body.Task.WaitAsync(cancellationToken);
        await body.WriteAsync(piece, cancellationToken);
        await body.FlushAsync(cancellationToken);
        Sent += piece.Length;
    }

    public void Complete() => _ended.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _body.TrySetResult(stream);
        return _ended.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        _ended.TrySetResult(); // a test that failed midway does not leave the client's send waiting
        base.Dispose(disposing);
    }
}
