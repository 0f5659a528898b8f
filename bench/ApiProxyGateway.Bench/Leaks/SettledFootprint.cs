namespace ApiProxyGateway.Bench.Leaks;

/// <summary>A footprint read once the process had settled (<see cref="Settled"/>), or when the wait's limit came first.</summary>
internal sealed record SettledFootprint(Footprint Footprint, TimeSpan Waited, bool Settled);
