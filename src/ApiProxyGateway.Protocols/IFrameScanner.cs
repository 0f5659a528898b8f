namespace ApiProxyGateway.Protocols;

/// <summary>
/// A passive reader of one direction of a framed stream relayed byte for byte (SPDY/3.1 or WebSocket): where its frames
/// end, and whether it can still follow them.
/// </summary>
public interface IFrameScanner
{
    /// <summary>The direction could not be followed (a malformed frame, or one over the scanner's limits); nothing more is read.</summary>
    bool Lost { get; }

    /// <summary>Every byte scanned so far ends a whole frame.</summary>
    bool AtFrameBoundary { get; }

    /// <summary>Follows <paramref name="data"/>, all of it.</summary>
    void Scan(ReadOnlySpan<byte> data);

    /// <summary>Follows <paramref name="data"/> up to the next frame boundary; returns how many bytes that is.</summary>
    int ScanToBoundary(ReadOnlySpan<byte> data);
}
