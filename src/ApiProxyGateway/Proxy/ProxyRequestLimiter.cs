using ApiProxyGateway.Authentication;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Caps the ordinary (not upgraded) proxy subresource requests in flight, in total and per user. The gateway serves
/// them itself, so kube-apiserver's own in-flight limits never see them, and each holds buffers and an upstream stream
/// while its client reads (or does not). A refused request is counted by limit and answered 429 with Retry-After, as
/// kube-apiserver answers when it is at its in-flight limit.
/// </summary>
internal sealed class ProxyRequestLimiter(IOptions<LimitsOptions> options, GatewayMetrics metrics)
{
    private readonly ConcurrencyCounter _inFlight = new();

    /// <summary>
    /// A lease for one more request of the request's user (the certificate's, whoever it impersonates), or null once the
    /// request has been answered 429 with a Status naming the limit.
    /// </summary>
    public async Task<IDisposable?> AcquireAsync(HttpContext context, KubernetesUser effective)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(effective);
        var settings = options.Value;
        var accountable = KubernetesUser.FromPrincipal(context.User)?.Name ?? effective.Name;
        var lease = _inFlight.TryAcquire(accountable, settings.MaxProxyRequests, settings.MaxProxyRequestsPerUser, out var refusedBy);
        if (lease is null)
        {
            metrics.ProxyRequestRejected(refusedBy!); // a refused lease always names its limit
            await KubernetesStatus.TooManyRequestsAsync(context, refusedBy == "per-user"
                ? $"too many concurrent proxy requests for user \"{accountable}\": the limit is {settings.MaxProxyRequestsPerUser} per user (Limits:MaxProxyRequestsPerUser); retry when some have finished"
                : $"the gateway is at its limit of concurrent proxy requests for all users, {settings.MaxProxyRequests} (Limits:MaxProxyRequests); retry later");
        }

        return lease;
    }
}
