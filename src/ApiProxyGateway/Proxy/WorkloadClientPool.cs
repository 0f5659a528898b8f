using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Connection pools to workloads, one per target (address, port, accepted names, trust). https connections verify
/// the chain against the target's trust bundle and the certificate's names, and present the gateway's workload client
/// certificate; the dialled address is checked against the egress policy again. https targets are spoken to over
/// HTTP/2 when their handshake chooses h2 (<see cref="SpeaksHttp2"/>), as kube-apiserver's transport negotiates it,
/// and plain http targets over HTTP/1.1 (kube-apiserver does not try h2c either). The pool's https destination
/// (<see cref="Destination"/>) carries the gateway's own verified TLS stream, so the pool does no TLS of its own.
/// Pools unused for a while are dropped.
/// </summary>
internal sealed class WorkloadClientPool(WorkloadTrust trust, EgressPolicy egress, UpstreamConnector connector, UpstreamInvokers invokers, IOptions<ProxyOptions> options) : IDisposable
{
    private readonly MemoryCache _invokers = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>A trust bundle's identity (its certificates' thumbprints), computed once per bundle object.</summary>
    private readonly ConditionalWeakTable<X509Certificate2Collection, string> _trustKeys = [];

    public HttpMessageInvoker GetInvoker(ProxyTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var names = target.TlsNames.Count == 1 ? target.TlsNames[0] : string.Join(",", target.TlsNames);
        var trust = target.Trust is { } bundle ? _trustKeys.GetValue(bundle, b => string.Join(",", b.Select(c => c.Thumbprint))) : "";
        return _invokers.GetOrCreate(new PoolKey(target.Scheme, target.Address, target.Port, names, trust), entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromMinutes(10);
            return Create(target);
        })!; // the factory never returns null
    }

    /// <summary>The destination prefix of <paramref name="target"/>'s pool: its scheme is the target's, so an HTTP/2 request's <c>:scheme</c> is right.</summary>
    public static string Destination(ProxyTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"{(target.IsHttps ? "https" : "http")}://{target.Authority}";
    }

    /// <summary>Whether requests to <paramref name="target"/> other than upgrades may go out as HTTP/2 (its connections then offer h2 in ALPN).</summary>
    public bool SpeaksHttp2(ProxyTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsHttps && options.Value.Http2;
    }

    public void Dispose() => _invokers.Dispose();

    /// <summary>What makes two targets share a pool: where they are dialled, how, and what their certificate must prove.</summary>
    private readonly record struct PoolKey(string Scheme, IPAddress Address, int Port, string Names, string Trust);

    private HttpMessageInvoker Create(ProxyTarget target)
    {
        var alpn = new AlpnChoice();
        var pool = new UpstreamPoolSettings("workload", options.Value.ConnectTimeout) { FlushRequestBodies = true };
        return invokers.Create(pool, (http2, cancellationToken) => ConnectAsync(target, http2, alpn, cancellationToken));
    }

    private async ValueTask<Stream> ConnectAsync(ProxyTarget target, bool http2, AlpnChoice alpn, CancellationToken cancellationToken)
    {
        if (egress.Refusal(target.Address) is { } refusal)
        {
            throw new UpstreamConnectException(target.Display, UpstreamFailure.Unreachable, UpstreamTlsFailure.None, $"address not allowed: {refusal}");
        }

        var timeout = options.Value.ConnectTimeout;
        var endpoint = new IPEndPoint(target.Address, target.Port);
        if (!target.IsHttps)
        {
            return await connector.ConnectPlainAsync("workload", target.Display, endpoint, timeout, cancellationToken);
        }

        var offerHttp2 = SpeaksHttp2(target) && alpn.Offer(http2);
        var connection = await connector.ConnectAsync("workload", target.Display, endpoint, trust.TrustFor(target), timeout, cancellationToken, offerHttp2);
        alpn.Observe(offerHttp2, connection);
        return connection;
    }
}
