namespace ApiProxyGateway.Bench.Idle;

/// <summary>One round of the idle-streams scenario: resident memory at each level and how many streams proved alive.</summary>
internal sealed record IdleRound
{
    public required string Kind { get; init; }

    public required List<(int Streams, long RssBytes)> Points { get; init; }

    public required int Opened { get; init; }

    public required int Failed { get; init; }

    public required int ProvedOpen { get; init; }

    public string? FirstError { get; init; }

    /// <summary>Least-squares slope of RSS against open streams, in bytes per stream.</summary>
    public double BytesPerStream
    {
        get
        {
            var n = Points.Count;
            var mx = Points.Average(p => (double)p.Streams);
            var my = Points.Average(p => (double)p.RssBytes);
            var sxy = Points.Sum(p => (p.Streams - mx) * (p.RssBytes - my));
            var sxx = Points.Sum(p => (p.Streams - mx) * (p.Streams - mx));
            return n < 2 || sxx == 0 ? double.NaN : sxy / sxx;
        }
    }
}
