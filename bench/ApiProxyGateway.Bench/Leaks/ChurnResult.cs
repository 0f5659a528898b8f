namespace ApiProxyGateway.Bench.Leaks;

/// <summary>Streams opened and closed: how many worked, how many failed (and the first reason), in how many seconds.</summary>
internal sealed record ChurnResult(int Completed, int Failed, string? FirstError, double Seconds);
