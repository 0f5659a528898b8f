using System.Net;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Tls;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// The HTTP/1.1 connection pool to the API server used for pass-through. Connections are dialled and verified
/// here (the API server's CA only, its name checked) and wrapped so that impersonation headers go out one value per line.
/// </summary>
internal sealed class ApiServerUpstream : IDisposable
{
    private readonly ApiServerEndpointProvider _endpoint;
    private readonly ApiServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly UpstreamConnector _connector;

    public ApiServerUpstream(ApiServerEndpointProvider endpoint, IOptions<ApiServerOptions> options, UpstreamConnector connector, UpstreamInvokers invokers, TimeProvider timeProvider)
    {
        _connector = connector;
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = endpoint;
        _options = options.Value;
        _timeProvider = timeProvider;
        var server = endpoint.Current.Server;

        // The pool speaks plain HTTP/1.1 to this prefix; TLS is done in ConnectAsync, below the header rewriting.
        DestinationPrefix = new UriBuilder(Uri.UriSchemeHttp, server.Host, server.Port).Uri.GetLeftPart(UriPartial.Authority);
        ArgumentNullException.ThrowIfNull(invokers);
        Invoker = invokers.Create("API server", new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = _options.ConnectTimeout + TimeSpan.FromSeconds(5), // backstop: the callback times out first, naming the upstream
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            PooledConnectionLifetime = _options.ConnectionLifetime,
            ConnectCallback = ConnectAsync,

            // User names and groups come from certificate subjects and may be UTF-8; Go servers take the raw bytes.
            RequestHeaderEncodingSelector = static (_, _) => System.Text.Encoding.UTF8,
        });
    }

    public HttpMessageInvoker Invoker { get; }

    public string DestinationPrefix { get; }

    public string? BearerToken() => _endpoint.BearerToken();

    public void Dispose() => Invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = _endpoint.Current;
        var check = new UpstreamCertificateCheck();
        var tls = UpstreamTls.CreateOptions(endpoint.ServerName, endpoint.Authorities, _endpoint.ClientCertificateContext, check, _timeProvider.GetUtcNow());
        EndPoint address = IPAddress.TryParse(endpoint.Server.Host, out var ip)
            ? new IPEndPoint(ip, endpoint.Server.Port)
            : new DnsEndPoint(endpoint.Server.Host, endpoint.Server.Port);
        var ssl = await _connector.ConnectAsync("apiserver", $"API server {endpoint.Server.Authority}", address, tls, check, _options.ConnectTimeout, cancellationToken);
        return new HeaderLineSplittingStream(ssl);
    }
}
