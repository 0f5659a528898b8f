using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Tls;

/// <summary>
/// Every certificate the gateway holds, by plane (serving, client-ca, apiserver-client, apiserver-ca,
/// kubelet-client, kubelet-ca, …), as the owning providers currently have them. Feeds the expiry gauge and the
/// readiness check, so neither needs to know where certificates come from.
/// </summary>
internal sealed class CertificateInventory
{
    private readonly ConcurrentDictionary<string, Func<IEnumerable<X509Certificate2>>> _planes = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public CertificateInventory(GatewayMetrics metrics, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _timeProvider = timeProvider;
        metrics.Meter.CreateObservableGauge(
            "apiproxygateway.certificate.expiry",
            ObserveExpiry,
            "s",
            "Seconds until the soonest-expiring certificate of each plane expires (negative once expired).");
    }

    public void Register(string plane, Func<IEnumerable<X509Certificate2>> current) => _planes[plane] = current;

    /// <summary>Each plane's problems (an expired or not yet valid certificate); empty when all are usable now.</summary>
    public IReadOnlyList<string> Problems()
    {
        var now = _timeProvider.GetUtcNow();
        return [.. _planes.OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(plane => plane.Value().Select(certificate => CertificateValidity.Describe(certificate, now)).OfType<string>().Select(problem => $"{plane.Key}: {problem}"))];
    }

    private IEnumerable<Measurement<double>> ObserveExpiry()
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        foreach (var (plane, current) in _planes)
        {
            var soonest = current().Select(certificate => certificate.NotAfter.ToUniversalTime()).DefaultIfEmpty(DateTime.MaxValue).Min();
            if (soonest != DateTime.MaxValue)
            {
                yield return new Measurement<double>((soonest - now).TotalSeconds, new TagList { { "plane", plane } });
            }
        }
    }
}
