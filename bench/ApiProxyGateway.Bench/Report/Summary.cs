namespace ApiProxyGateway.Bench.Report;

/// <summary>Median and range over the kept rounds of one figure, and how many rounds were left out and why.</summary>
internal sealed record Summary(string Scenario, string Case, string Arm, string Metric, string Unit, double Median, double Min, double Max, int Rounds, int Discarded, int Flagged = 0, string? Flag = null)
{
    public static IReadOnlyList<Summary> Of(IEnumerable<Sample> samples) =>
        [.. samples.GroupBy(s => (s.Scenario, s.Case, s.Arm, s.Metric, s.Unit))
            .Select(g =>
            {
                var kept = g.Where(s => s.Kept).Select(s => s.Value).Order().ToList();
                var discarded = g.Count(s => s.Discarded);
                var flagged = g.Where(s => !s.Discarded && s.Flag is not null).ToList();
                var flag = flagged.Count == 0 ? null : string.Join(", ", flagged.Select(s => s.Flag).Distinct());
                return kept.Count == 0
                    ? new Summary(g.Key.Scenario, g.Key.Case, g.Key.Arm, g.Key.Metric, g.Key.Unit, double.NaN, double.NaN, double.NaN, 0, discarded, flagged.Count, flag)
                    : new Summary(g.Key.Scenario, g.Key.Case, g.Key.Arm, g.Key.Metric, g.Key.Unit, MedianOf(kept), kept[0], kept[^1], kept.Count, discarded, flagged.Count, flag);
            })];

    public static double MedianOf(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
