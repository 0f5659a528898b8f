namespace ApiProxyGateway.Hosting;

/// <summary>Graceful shutdown on SIGTERM (section <c>Shutdown</c>).</summary>
internal sealed record ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// After SIGTERM, readiness fails at once but new connections are still accepted for this long, so load
    /// balancers and kube-proxy stop sending traffic before the listener closes. Default 5 s.
    /// </summary>
    public TimeSpan ReadinessGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Then in-flight requests and streams get this long to finish before streams are closed on both sides. Default 30 s.</summary>
    public TimeSpan DrainPeriod { get; init; } = TimeSpan.FromSeconds(30);
}
