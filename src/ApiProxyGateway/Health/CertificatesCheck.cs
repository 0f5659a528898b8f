using ApiProxyGateway.Tls;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiProxyGateway.Health;

/// <summary>Ready only when every certificate the gateway holds is loaded and currently valid.</summary>
internal sealed class CertificatesCheck(CertificateInventory inventory) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = inventory.Problems();
        return Task.FromResult(problems.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
