namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Sends each piece of a request body on as soon as it has been read from the client, as Go's transport does for what
/// kube-apiserver proxies (its chunked writer flushes after every chunk, its HTTP/2 transport after every DATA frame).
/// SocketsHttpHandler keeps body bytes in its connection's write buffer until the buffer fills or the body ends, and
/// YARP flushes each write only for gRPC, so without this a streamed upload or a long-poll POST reaches its target
/// only in buffer-sized pieces, or not at all until the client ends the body.
/// </summary>
internal sealed class RequestBodyFlushing : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is { } content)
        {
            request.Content = new FlushingContent(content);
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("upstream requests are sent asynchronously");
}
