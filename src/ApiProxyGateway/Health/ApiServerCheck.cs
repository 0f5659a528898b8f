using ApiProxyGateway.Kubernetes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiProxyGateway.Health;

/// <summary>Ready only when the API server answers (its <c>/readyz</c>), within a short timeout.</summary>
internal sealed class ApiServerCheck(KubernetesApi api, TimeProvider timeProvider) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var time = new CancellationTokenSource(Timeout, timeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, time.Token);
        var problem = await api.ProbeAsync(deadline.Token);
        return problem is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"the API server does not answer: {problem}");
    }
}
