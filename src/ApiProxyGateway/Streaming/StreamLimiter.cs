using ApiProxyGateway.Authentication;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Caps the streams open at once, in total and per user, so one client cannot hold every socket. A refused
/// stream is counted by limit and answered 429 with Retry-After.
/// </summary>
internal sealed class StreamLimiter(IOptions<LimitsOptions> options, GatewayMetrics metrics)
{
    private readonly ConcurrencyCounter _open = new();

    /// <summary>Streams open now on this replica (pod streams and watches).</summary>
    public int Open => _open.Open;

    /// <summary>A lease to dispose when the stream ends, or null (and the limit that refused it).</summary>
    public IDisposable? TryAcquire(string user, out string? refusedBy)
    {
        var settings = options.Value;
        var lease = _open.TryAcquire(user, settings.MaxStreams, settings.MaxStreamsPerUser, out refusedBy);
        if (lease is null)
        {
            metrics.StreamRejected(refusedBy!); // a refused lease always names its limit
        }

        return lease;
    }

    /// <summary>
    /// A lease for one more stream of the request's user (the certificate's, whoever it impersonates), or null once
    /// the request has been answered 429 with a Status naming the limit.
    /// </summary>
    public async Task<IDisposable?> AcquireAsync(HttpContext context, KubernetesUser effective)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(effective);
        var accountable = KubernetesUser.FromPrincipal(context.User)?.Name ?? effective.Name;
        var lease = TryAcquire(accountable, out var refusedBy);
        if (lease is null)
        {
            await KubernetesStatus.TooManyRequestsAsync(context, Refusal(refusedBy!, accountable)); // a refused lease always names its limit
        }

        return lease;
    }

    /// <summary>What the refused user reads: which limit was reached, its value and the setting, and what to do.</summary>
    private string Refusal(string refusedBy, string user)
    {
        var settings = options.Value;
        return refusedBy == "per-user"
            ? $"too many concurrent streams for user \"{user}\": the limit is {settings.MaxStreamsPerUser} per user (Limits:MaxStreamsPerUser); close a log, exec, attach, port-forward or watch and retry"
            : $"the gateway is at its limit of concurrent streams for all users, {settings.MaxStreams} (Limits:MaxStreams); retry later";
    }
}
