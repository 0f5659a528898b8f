using ApiProxyGateway.Kubernetes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiProxyGateway.Health;

/// <summary>Ready only when the caches have synced: until then every pod lookup would hit the API server.</summary>
internal sealed class CacheSyncCheck(ClusterView cluster) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(cluster.HasSynced
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("waiting for the caches of " + string.Join(", ", cluster.Caches.Where(c => !c.HasSynced).Select(c => c.Kind))));
}
