namespace ApiProxyGateway.Egress;

/// <summary>
/// Whether the Konnectivity servers the gateway dials through accept connections, asked at most every few seconds
/// however often readiness is probed.
/// </summary>
internal sealed class EgressProbe(EgressSelector selector, TimeProvider timeProvider)
{
    private static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private volatile Result? _last;

    /// <summary>One line per unreachable Konnectivity server; empty when all are reachable or every connection is direct.</summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_last is { } last && last.Until > now)
        {
            return last.Problems;
        }

        var problems = new List<string>();
        foreach (var route in selector.Routes.Where(route => !route.IsDirect))
        {
            using var time = new CancellationTokenSource(Timeout, timeProvider);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, time.Token);
            string? problem;
            try
            {
                problem = await route.Dialer.ProbeAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"no connection within {Timeout.TotalSeconds:0}s";
            }

            if (problem is not null)
            {
                problems.Add($"{route.Selection} egress: {route.Description} is not reachable: {problem}");
            }
        }

        _last = new Result(problems, timeProvider.GetUtcNow() + CacheTime);
        return problems;
    }

    private sealed record Result(IReadOnlyList<string> Problems, DateTimeOffset Until);
}
