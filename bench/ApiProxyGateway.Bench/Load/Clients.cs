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
    private static long s_connectionsOpened;
    private static long s_slowConnects;

    /// <summary>TCP connections this process's clients have opened (a measurement reads the difference).</summary>
    public static long ConnectionsOpened => Interlocked.Read(ref s_connectionsOpened);

    /// <summary>Connects that took 900 ms or more: the first SYN went unanswered and was sent again after 1 s.</summary>
    public static long SlowConnects => Interlocked.Read(ref s_slowConnects);

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

    /// <summary>
    /// With <c>oneConnection</c>, at most one connection (HTTP/2 multiplexes every request on it; beyond the server's stream limit they wait for
    /// a stream): the open-loop and saturation clients, so a slow moment never makes the load generator open new
    /// connections (full mTLS handshakes on the server core, in the middle of a measurement).
    /// </summary>
    public static SocketsHttpHandler Handler(Endpoint endpoint, bool http2, bool oneConnection = false) => new()
    {
        SslOptions = Ssl(endpoint, http2),
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        EnableMultipleHttp2Connections = !oneConnection,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        MaxConnectionsPerServer = oneConnection ? 1 : int.MaxValue,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                Interlocked.Increment(ref s_connectionsOpened);
                await socket.ConnectAsync(endpoint.Dial, cancellationToken);
                if (System.Diagnostics.Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(900))
                {
                    Interlocked.Increment(ref s_slowConnects);
                }

                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static HttpClient Http(Endpoint endpoint, bool http2 = true, bool oneConnection = false) => new(Handler(endpoint, http2, oneConnection))
    {
        DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
