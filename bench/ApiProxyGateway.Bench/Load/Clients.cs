using System.Net.Sockets;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Bench.Arms;

namespace ApiProxyGateway.Bench.Load;

/// <summary>
/// TLS clients as kubectl configures them: the arm's client certificate, only the arm's root trusted, TLS 1.2/1.3,
/// no redirects, no proxy. HTTP/2 with connection reuse by default; HTTP/1.1 for upgrades.
/// </summary>
internal static class Clients
{
    public static SslClientAuthenticationOptions Ssl(Endpoint endpoint, bool http2, bool allowResume = true) => new()
    {
        TargetHost = endpoint.TargetHost,
        ClientCertificates = [endpoint.ClientCertificate],
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ApplicationProtocols = http2 ? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11] : [SslApplicationProtocol.Http11],
        AllowTlsResume = allowResume,
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { endpoint.TrustedRoot },
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        },
    };

    public static SocketsHttpHandler Handler(Endpoint endpoint, bool http2) => new()
    {
        SslOptions = Ssl(endpoint, http2),
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        EnableMultipleHttp2Connections = true,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        MaxConnectionsPerServer = int.MaxValue,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint.Dial, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static HttpClient Http(Endpoint endpoint, bool http2 = true) => new(Handler(endpoint, http2))
    {
        DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
