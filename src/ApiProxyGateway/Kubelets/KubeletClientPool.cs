using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// One HTTP/1.1 connection pool per kubelet target. Each connection dials the target's validated IP and
/// completes a TLS handshake that checks the kubelet CA chain, the dialled name and the node identity, and
/// presents the gateway's kubelet client certificate (<see cref="KubeletTlsProvider.TrustFor"/>). There is no
/// path that skips any of it.
/// </summary>
internal sealed class KubeletClientPool(KubeletTlsProvider tls, IOptions<KubeletOptions> options, UpstreamConnector connector, UpstreamInvokers invokers) : IDisposable
{
    private readonly ConcurrentDictionary<KubeletTarget, HttpMessageInvoker> _invokers = new();
    private readonly ConcurrentDictionary<KubeletTarget, string> _peerCertificates = new();

    public HttpMessageInvoker GetInvoker(KubeletTarget target) => _invokers.GetOrAdd(target, Create);

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
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }
    }

    private HttpMessageInvoker Create(KubeletTarget target)
    {
        var timeout = options.Value.Timeout;
        return invokers.Create(new UpstreamPoolSettings("kubelet", timeout) { FlushRequestBodies = true }, async cancellationToken =>
        {
            var ssl = await connector.ConnectAsync("kubelet", target.Display, new IPEndPoint(target.Address, target.Port), tls.TrustFor(target), timeout, cancellationToken);
            _peerCertificates[target] = Convert.ToHexStringLower(ssl.RemoteCertificate!.GetCertHash(HashAlgorithmName.SHA256)); // a verified connection always has one
            return new HeaderLineSplittingStream(ssl);
        });
    }
}
