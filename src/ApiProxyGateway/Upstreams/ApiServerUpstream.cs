using System.Net;
using ApiProxyGateway.Kubernetes;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// The connection pools to the API server used for pass-through. Connections are dialled and verified here (the API
/// server's CA only, its name checked). Two pools, because HttpClient writes a header's values as one field:
/// <list type="bullet">
/// <item>HTTP/1.1 (<see cref="Invoker"/>): connections are wrapped so that impersonation headers with several values
/// go out one value per line, as the API server reads them. Upgrades and requests with such headers use it.</item>
/// <item>HTTP/2 (<see cref="Http2Invoker"/>), as kubectl and client-go speak to the API server: many requests share a
/// connection's TLS records and system calls. Only for ordinary requests whose impersonation headers have one value
/// each at most (it would send two groups as one group named "a, b"); a server that does not choose h2 gets HTTP/1.1
/// on it.</item>
/// </list>
/// </summary>
internal sealed class ApiServerUpstream : IDisposable
{
    private readonly ApiServerEndpointProvider _endpoint;
    private readonly ApiServerOptions _options;
    private readonly UpstreamConnector _connector;
    private readonly AlpnChoice _alpn = new();

    public ApiServerUpstream(ApiServerEndpointProvider endpoint, IOptions<ApiServerOptions> options, UpstreamConnector connector, UpstreamInvokers invokers)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(invokers);
        _connector = connector;
        _endpoint = endpoint;
        _options = options.Value;
        var server = endpoint.Current.Server;
        var pool = new UpstreamPoolSettings("API server", _options.ConnectTimeout)
        {
            IdleTimeout = TimeSpan.FromSeconds(90),
            ConnectionLifetime = _options.ConnectionLifetime,

            // User names and groups come from certificate subjects and may be UTF-8; Go servers take the raw bytes.
            Utf8Headers = true,

            // Many requests share an HTTP/2 connection: a silently dead one is found within 45 s (client-go: 30 s + 15 s).
            Http2PingDelay = TimeSpan.FromSeconds(30),
        };

        // The HTTP/1.1 pool speaks plain HTTP to its prefix: TLS is done in the connect step, below the header rewriting.
        // The HTTP/2 pool's prefix is https (its :scheme), and its connect step returns the verified TLS stream itself.
        DestinationPrefix = new UriBuilder(Uri.UriSchemeHttp, server.Host, server.Port).Uri.GetLeftPart(UriPartial.Authority);
        Http2DestinationPrefix = new UriBuilder(Uri.UriSchemeHttps, server.Host, server.Port).Uri.GetLeftPart(UriPartial.Authority);
        Invoker = invokers.Create(pool, ConnectHttp11Async);
        Http2Invoker = invokers.Create(pool, ConnectHttp2Async);
    }

    /// <summary>The HTTP/1.1 pool, whose requests may carry several values of a header as placeholder lines (<see cref="HeaderLines"/>).</summary>
    public HttpMessageInvoker Invoker { get; }

    public string DestinationPrefix { get; }

    /// <summary>The HTTP/2 pool: for ordinary (not long-running) requests whose impersonation headers have one value each at most.</summary>
    public HttpMessageInvoker Http2Invoker { get; }

    public string Http2DestinationPrefix { get; }

    /// <summary>Whether requests may use <see cref="Http2Invoker"/> at all (<c>ApiServer:Http2</c>).</summary>
    public bool Http2 => _options.Http2;

    public string? BearerToken() => _endpoint.BearerToken();

    public void Dispose()
    {
        Invoker.Dispose();
        Http2Invoker.Dispose();
    }

    private async ValueTask<Stream> ConnectHttp11Async(CancellationToken cancellationToken) =>
        new HeaderLineSplittingStream(await ConnectAsync(offerHttp2: false, cancellationToken));

    private async ValueTask<Stream> ConnectHttp2Async(bool http2, CancellationToken cancellationToken)
    {
        var offer = _alpn.Offer(http2);
        var connection = await ConnectAsync(offer, cancellationToken);
        _alpn.Observe(offer, connection);
        return connection;
    }

    private async Task<System.Net.Security.SslStream> ConnectAsync(bool offerHttp2, CancellationToken cancellationToken)
    {
        var server = _endpoint.Current.Server;
        EndPoint address = IPAddress.TryParse(server.Host, out var ip)
            ? new IPEndPoint(ip, server.Port)
            : new DnsEndPoint(server.Host, server.Port);
        return await _connector.ConnectAsync("apiserver", $"API server {server.Authority}", address, _endpoint.Trust, _options.ConnectTimeout, cancellationToken, offerHttp2);
    }
}
