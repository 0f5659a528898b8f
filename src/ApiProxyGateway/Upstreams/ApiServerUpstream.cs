using System.Net;
using ApiProxyGateway.Kubernetes;
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
    private readonly UpstreamConnector _connector;

    public ApiServerUpstream(ApiServerEndpointProvider endpoint, IOptions<ApiServerOptions> options, UpstreamConnector connector, UpstreamInvokers invokers)
    {
        _connector = connector;
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = endpoint;
        _options = options.Value;
        var server = endpoint.Current.Server;

        // The pool speaks plain HTTP/1.1 to this prefix; TLS is done in ConnectAsync, below the header rewriting.
        DestinationPrefix = new UriBuilder(Uri.UriSchemeHttp, server.Host, server.Port).Uri.GetLeftPart(UriPartial.Authority);
        ArgumentNullException.ThrowIfNull(invokers);
        Invoker = invokers.Create(
            new UpstreamPoolSettings("API server", _options.ConnectTimeout)
            {
                IdleTimeout = TimeSpan.FromSeconds(90),
                ConnectionLifetime = _options.ConnectionLifetime,

                // User names and groups come from certificate subjects and may be UTF-8; Go servers take the raw bytes.
                Utf8Headers = true,
            },
            ConnectAsync);
    }

    public HttpMessageInvoker Invoker { get; }

    public string DestinationPrefix { get; }

    public string? BearerToken() => _endpoint.BearerToken();

    public void Dispose() => Invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var server = _endpoint.Current.Server;
        EndPoint address = IPAddress.TryParse(server.Host, out var ip)
            ? new IPEndPoint(ip, server.Port)
            : new DnsEndPoint(server.Host, server.Port);
        var ssl = await _connector.ConnectAsync("apiserver", $"API server {server.Authority}", address, _endpoint.Trust, _options.ConnectTimeout, cancellationToken);
        return new HeaderLineSplittingStream(ssl);
    }
}
