using System.Net;
using System.Net.Security;
using System.Text;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// Builds every upstream connection pool of the gateway (API server, each kubelet, each workload target): a handler
/// that never follows redirects, decompresses, keeps cookies or uses a proxy, whose connections all come from the
/// caller's connect step, behind the <see cref="UpstreamRequestGuard"/> and, before it, the gateway's trace context
/// (<see cref="UpstreamTraceContext"/>); for the pools that proxy, request bodies are flushed as they go
/// (<see cref="RequestBodyFlushing"/>). Disposing the invoker closes the pool.
/// </summary>
internal sealed class UpstreamInvokers(ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("ApiProxyGateway.Upstreams");

    /// <summary>A pool whose every connection is made by <paramref name="connect"/> (which dials, verifies and enforces its timeout).</summary>
    public HttpMessageInvoker Create(UpstreamPoolSettings pool, Func<CancellationToken, ValueTask<Stream>> connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        return Create(pool, (_, cancellationToken) => connect(cancellationToken));
    }

    /// <summary>
    /// A pool whose connections are made by <paramref name="connect"/>, told whether the request that asked for the
    /// connection may use HTTP/2. For an https destination that returns an authenticated <see cref="SslStream"/>,
    /// SocketsHttpHandler does no TLS of its own and speaks what the stream's ALPN chose: HTTP/2 for h2, else
    /// HTTP/1.1 (requests asking for 2.0 with <see cref="HttpVersionPolicy.RequestVersionOrLower"/> then use HTTP/1.1
    /// on this pool from then on).
    /// </summary>
    public HttpMessageInvoker Create(UpstreamPoolSettings pool, Func<bool, CancellationToken, ValueTask<Stream>> connect)
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

            // As Go's transport: another connection when one has as many streams open as its server allows, not a queue.
            // Each stream's receive window is .NET's: 64 KiB, grown only while the response is read as fast as it comes,
            // up to 4 MiB (Http2StreamWindow; a fixed larger one would let a client that stops reading make the gateway
            // hold that much per request).
            EnableMultipleHttp2Connections = true,

            // The connect step returns the gateway's own verified TLS stream for an https destination, so the handler
            // never does TLS itself; should it ever try (a connect step returning another stream), the handshake fails.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => false },
        };
        if (pool.Http2PingDelay != Timeout.InfiniteTimeSpan)
        {
            handler.KeepAlivePingDelay = pool.Http2PingDelay;
            handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(15);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
        }

        if (pool.Utf8Headers)
        {
            handler.RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8;
        }

        HttpMessageHandler sender = pool.FlushRequestBodies ? new RequestBodyFlushing { InnerHandler = handler } : handler;
        var guard = new UpstreamRequestGuard(pool.Upstream, _logger) { InnerHandler = sender };
        return new HttpMessageInvoker(new UpstreamTraceContext(pool.Upstream) { InnerHandler = guard }, disposeHandler: true);
    }

    /// <summary>The connect step, under the client span of the request that asked for the connection (when tracing is on).</summary>
    private static ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Func<bool, CancellationToken, ValueTask<Stream>> connect, CancellationToken cancellationToken)
    {
        var http2 = context.InitialRequestMessage.Version.Major >= 2;
        return UpstreamTraceContext.SpanOf(context.InitialRequestMessage) is { } span ? ConnectUnderAsync(span, http2, connect, cancellationToken) : connect(http2, cancellationToken);
    }

    private static async ValueTask<Stream> ConnectUnderAsync(System.Diagnostics.Activity span, bool http2, Func<bool, CancellationToken, ValueTask<Stream>> connect, CancellationToken cancellationToken)
    {
        System.Diagnostics.Activity.Current = span; // this method's own flow only: its caller's is restored when it returns
        return await connect(http2, cancellationToken);
    }
}
