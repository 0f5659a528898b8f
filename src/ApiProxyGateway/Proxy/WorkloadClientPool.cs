using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Tls;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// HTTP/1.1 connection pools to workloads, one per target (address, port, accepted names, trust). https
/// connections verify the chain against the target's trust bundle and the certificate's names, and present the
/// gateway's workload client certificate; the dialled address is checked against the egress policy again.
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

    public void Dispose() => _invokers.Dispose();

    /// <summary>What makes two targets share a pool: where they are dialled, how, and what their certificate must prove.</summary>
    private readonly record struct PoolKey(string Scheme, IPAddress Address, int Port, string Names, string Trust);

    private HttpMessageInvoker Create(ProxyTarget target)
    {
        var timeout = options.Value.ConnectTimeout;
        return invokers.Create(new UpstreamPoolSettings("workload", timeout), async cancellationToken =>
        {
            if (egress.Refusal(target.Address) is { } refusal)
            {
                throw new UpstreamConnectException(target.Display, UpstreamFailure.Unreachable, UpstreamTlsFailure.None, $"address not allowed: {refusal}");
            }

            var endpoint = new IPEndPoint(target.Address, target.Port);
            return target.IsHttps
                ? await connector.ConnectAsync("workload", target.Display, endpoint, trust.TrustFor(target), timeout, cancellationToken)
                : await connector.ConnectPlainAsync("workload", target.Display, endpoint, timeout, cancellationToken);
        });
    }
}
