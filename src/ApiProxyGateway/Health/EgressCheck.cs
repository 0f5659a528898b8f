using ApiProxyGateway.Egress;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiProxyGateway.Health;

/// <summary>Ready only when every Konnectivity server the gateway dials through accepts connections (always, when all connections are direct).</summary>
internal sealed class EgressCheck(EgressProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = await probe.ProblemsAsync(cancellationToken);
        return problems.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", problems));
    }
}
