namespace ApiProxyGateway.Bench.Report;

/// <summary>
/// One measured figure of one arm in one round. <see cref="Discarded"/> rounds (the load generator saturated its core)
/// and <see cref="Flag"/>ged ones (an open-loop round that stalled, ran over saturation or fell behind its schedule:
/// see <see cref="Load.StallAnalysis"/>) are kept in the raw data but left out of medians and ratios.
/// </summary>
internal sealed record Sample(string Scenario, string Case, string Arm, string Metric, string Unit, int Round, double Value, bool Discarded = false, string? Note = null, string? Flag = null)
{
    public bool Kept => !Discarded && Flag is null && !double.IsNaN(Value);
}
