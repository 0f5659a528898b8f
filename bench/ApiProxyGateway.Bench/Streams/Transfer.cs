namespace ApiProxyGateway.Bench.Streams;

/// <summary>One measured transfer: bytes, wall seconds, and whether the SHA-256 matched.</summary>
internal sealed record Transfer(long Bytes, double Seconds, bool Verified, string? Problem = null)
{
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;
}
