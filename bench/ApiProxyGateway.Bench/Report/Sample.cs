namespace ApiProxyGateway.Bench.Report;

/// <summary>
/// One measured figure of one arm in one round. <see cref="Discarded"/> rounds (the load generator saturated its core)
/// are kept in the raw data but left out of medians and ratios.
/// </summary>
internal sealed record Sample(string Scenario, string Case, string Arm, string Metric, string Unit, int Round, double Value, bool Discarded = false, string? Note = null);
