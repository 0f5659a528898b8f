using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// Two connection pools per kubelet target: HTTP/1.1 (upgrades and the nodes proxy) and HTTP/2 (logs). Each
/// connection dials the target's validated IP and completes a TLS handshake that checks the kubelet CA chain, the
/// dialled name and the node identity, and presents the gateway's kubelet client certificate
/// (<see cref="KubeletTlsProvider.TrustFor"/>). There is no path that skips any of it.
/// </summary>
internal sealed class KubeletClientPool(KubeletTlsProvider tls, IOptions<KubeletOptions> options, UpstreamConnector connector, UpstreamInvokers invokers) : IDisposable
{
    private readonly ConcurrentDictionary<KubeletTarget, HttpMessageInvoker> _invokers = new();
    private readonly ConcurrentDictionary<KubeletTarget, HttpMessageInvoker> _http2Invokers = new();
    private readonly ConcurrentDictionary<KubeletTarget, string> _peerCertificates = new();

    /// <summary>The HTTP/1.1 pool: plain-HTTP URIs (<see cref="Uri"/>), TLS in the connect step below the header rewriting.</summary>
    public HttpMessageInvoker GetInvoker(KubeletTarget target) => _invokers.GetOrAdd(target, Create);

    /// <summary>
    /// The HTTP/2 pool, for logs: followed logs share a connection, as kube-apiserver's do (its kubelet transport speaks
    /// h2 where the kubelet offers it, and Go's server does), instead of a TLS connection each. Its URIs are https (the
    /// <c>:scheme</c>); a kubelet that answers http/1.1 gets HTTP/1.1 on this pool from then on (<see cref="AlpnChoice"/>).
    /// Its requests carry no placeholder header lines, so its connections need no header rewriting.
    /// </summary>
    public HttpMessageInvoker GetHttp2Invoker(KubeletTarget target) => _http2Invokers.GetOrAdd(target, CreateHttp2);

    /// <summary>The SHA-256 of the certificate the target presented on its last verified connection, for audit.</summary>
    public string? PeerCertificateSha256(KubeletTarget target) => _peerCertificates.GetValueOrDefault(target);

    /// <summary>The URI for a kubelet path: plain HTTP to the pool, whose connections do the TLS themselves.</summary>
    public static Uri Uri(KubeletTarget target, string pathAndQuery, string scheme = "http")
    {
        ArgumentNullException.ThrowIfNull(target);
        var host = target.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{target.Address}]" : target.Address.ToString();
        return new Uri($"{scheme}://{host}:{target.Port}{pathAndQuery}");
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values.Concat(_http2Invokers.Values))
        {
            invoker.Dispose();
        }
    }

    private HttpMessageInvoker Create(KubeletTarget target) =>
        invokers.Create(new UpstreamPoolSettings("kubelet", options.Value.Timeout) { FlushRequestBodies = true }, async cancellationToken =>
            new HeaderLineSplittingStream(await ConnectAsync(target, offerHttp2: false, cancellationToken)));

    private HttpMessageInvoker CreateHttp2(KubeletTarget target)
    {
        var alpn = new AlpnChoice();
        var pool = new UpstreamPoolSettings("kubelet", options.Value.Timeout)
        {
            // Many logs share a connection: a silently dead one is found within 45 s (client-go: 30 s + 15 s).
            Http2PingDelay = TimeSpan.FromSeconds(30),
        };
        return invokers.Create(pool, async (http2, cancellationToken) =>
        {
            var offer = alpn.Offer(http2);
            var connection = await ConnectAsync(target, offer, cancellationToken);
            alpn.Observe(offer, connection);
            return connection;
        });
    }

    private async Task<SslStream> ConnectAsync(KubeletTarget target, bool offerHttp2, CancellationToken cancellationToken)
    {
        var timeout = options.Value.Timeout;
        var ssl = await connector.ConnectAsync("kubelet", target.Display, new IPEndPoint(target.Address, target.Port), tls.TrustFor(target), timeout, cancellationToken, offerHttp2);
        _peerCertificates[target] = Convert.ToHexStringLower(ssl.RemoteCertificate!.GetCertHash(HashAlgorithmName.SHA256)); // a verified connection always has one
        return ssl;
    }
}
