using System.Net;
using System.Text;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Builds every upstream connection pool of the gateway (API server, each kubelet, each workload target): a handler
/// that never follows redirects, decompresses, keeps cookies or uses a proxy, whose connections all come from the
/// caller's connect step, behind the <see cref="UpstreamRequestGuard"/> and, before it, the gateway's trace context
/// (<see cref="UpstreamTraceContext"/>). Disposing the invoker closes the pool.
/// </summary>
internal sealed class UpstreamInvokers(ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("ApiProxyGateway.Upstreams");

    /// <summary>A pool whose every connection is made by <paramref name="connect"/> (which dials, verifies and enforces its timeout).</summary>
    public HttpMessageInvoker Create(UpstreamPoolSettings pool, Func<CancellationToken, ValueTask<Stream>> connect)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(connect);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            // The connect step enforces the timeout itself and says what timed out; this is only a backstop.
            ConnectTimeout = pool.ConnectTimeout + TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = pool.IdleTimeout,
            PooledConnectionLifetime = pool.ConnectionLifetime,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context, connect, cancellationToken),
        };
        if (pool.Utf8Headers)
        {
            handler.RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8;
        }

        var guard = new UpstreamRequestGuard(pool.Upstream, _logger) { InnerHandler = handler };
        return new HttpMessageInvoker(new UpstreamTraceContext(pool.Upstream) { InnerHandler = guard }, disposeHandler: true);
    }

    /// <summary>The connect step, under the client span of the request that asked for the connection (when tracing is on).</summary>
    private static ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Func<CancellationToken, ValueTask<Stream>> connect, CancellationToken cancellationToken) =>
        UpstreamTraceContext.SpanOf(context.InitialRequestMessage) is { } span ? ConnectUnderAsync(span, connect, cancellationToken) : connect(cancellationToken);

    private static async ValueTask<Stream> ConnectUnderAsync(System.Diagnostics.Activity span, Func<CancellationToken, ValueTask<Stream>> connect, CancellationToken cancellationToken)
    {
        System.Diagnostics.Activity.Current = span; // this method's own flow only: its caller's is restored when it returns
        return await connect(cancellationToken);
    }
}
