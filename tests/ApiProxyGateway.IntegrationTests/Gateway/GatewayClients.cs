using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Sandbox.Hosting;

namespace ApiProxyGateway.IntegrationTests.Gateway;

/// <summary>Clients of a sandbox's gateway as its scenario users, over real TLS trusting only the cluster CA.</summary>
public static class GatewayClients
{
    /// <summary>
    /// A raw invoker as <paramref name="user"/>: no response buffering (so upgrades can be used), no redirects, and
    /// a disposed response closes its connection at once (no draining), so the gateway sees the stream end.
    /// </summary>
    /// <param name="host">The sandbox.</param>
    /// <param name="user">The scenario user whose certificate the client presents.</param>
    /// <param name="forgedHost">Accept the server's certificate for any name (its chain is still checked), for tests that send a forged Host header.</param>
    public static HttpMessageInvoker Invoker(SandboxHost host, string user, bool forgedHost = false)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Invoker(host, X509Certificate2.CreateFromPemFile(host.Pki.UserCertificate(user), host.Pki.UserKey(user)), forgedHost);
    }

    /// <summary>
    /// As <see cref="Invoker(SandboxHost, string, bool)"/>, presenting <paramref name="certificate"/> (with its key); each
    /// new connection's raw stream (under its TLS) goes through <paramref name="connection"/> if given.
    /// </summary>
    public static HttpMessageInvoker Invoker(SandboxHost host, X509Certificate2 certificate, bool forgedHost = false, Func<Stream, Stream>? connection = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = connection is null ? null : async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return connection(new NetworkStream(socket, ownsSocket: true));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            AllowAutoRedirect = false,
            MaxResponseDrainSize = 0,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [certificate],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(host.Pki.ClusterCaCertificate)) },
                    RevocationMode = X509RevocationMode.NoCheck,
                    DisableCertificateDownloads = true,
                },
                RemoteCertificateValidationCallback = forgedHost ? static (_, _, _, errors) => (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None : null,
            },
        });
    }

    /// <summary>An HTTP/1.1 request to the gateway (upgrades need HTTP/1.1).</summary>
    public static HttpRequestMessage Request(SandboxHost host, HttpMethod method, string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new(method, new Uri(host.GatewayUrl, pathAndQuery)) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }
}
