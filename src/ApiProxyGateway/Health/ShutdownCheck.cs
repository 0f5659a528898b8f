using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiProxyGateway.Health;

/// <summary>Not ready from the moment shutdown begins, so load balancers stop sending new work at once.</summary>
internal sealed class ShutdownCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("the gateway is shutting down")
            : HealthCheckResult.Healthy());
}
