namespace ApiProxyGateway.Upstreams;

/// <summary>Builds every upstream invoker of the gateway, each behind the <see cref="UpstreamRequestGuard"/>.</summary>
internal sealed class UpstreamInvokers(ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("ApiProxyGateway.Upstreams");

    /// <summary>An invoker over <paramref name="handler"/>; <paramref name="upstream"/> names what it reaches in the log.</summary>
    public HttpMessageInvoker Create(string upstream, SocketsHttpHandler handler) =>
        new(new UpstreamRequestGuard(upstream, _logger) { InnerHandler = handler }, disposeHandler: true);
}
