namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>Receive limits that are protocol facts rather than tuning; the tunable ones are in <see cref="SpdySessionOptions"/>.</summary>
internal static class SpdyLimits
{
    /// <summary>
    /// Most entries in one SETTINGS frame. SPDY/3.1 defines eight ids and a sender has no reason to repeat one;
    /// spdystream v0.5.1 only checks the count against the frame length, which at 1 MiB still allows 131,071.
    /// Each INITIAL_WINDOW_SIZE entry touches every open stream, so the count is a CPU bound as well.
    /// </summary>
    public const int MaxSettingsEntries = 32;

    /// <summary>
    /// Most PING answers waiting to be written. A peer that sends PINGs while not reading the answers would
    /// otherwise grow the queue without end (the HTTP/2 "ping flood", CVE-2019-9512); Go's HTTP/2 server uses the
    /// same number (<c>maxQueuedControlFrames</c> in golang.org/x/net/http2).
    /// </summary>
    public const int MaxQueuedControlFrames = 10_000;
}
