namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// Tuning for a <see cref="SpdySession"/>. The defaults suit kubectl/kubelet streaming; the receive limits are at
/// least as strict as moby/spdystream v0.5.1's fix for CVE-2026-35469 (GHSA-pc3f-x583-g7j2), so a peer that
/// breaks one gets GOAWAY(PROTOCOL_ERROR) and a <see cref="SpdyProtocolException"/> naming the limit, never an
/// allocation it chose. Fixed protocol limits are in <see cref="SpdyLimits"/>.
/// </summary>
public sealed record SpdySessionOptions
{
    /// <summary>
    /// Receive window per stream, advertised in SETTINGS (default 256 KiB). It bounds what one stream buffers:
    /// a flow-controlled peer never sends more, and a peer that ignores windows (moby/spdystream) is slowed by
    /// pausing the connection's reader instead.
    /// </summary>
    public int InitialWindowSize { get; init; } = 256 * 1024;

    /// <summary>Largest DATA frame this side sends (default 32 KiB, what Go's io.Copy writes).</summary>
    public int MaxDataFrameLength { get; init; } = 32 * 1024;

    /// <summary>
    /// Largest control frame payload accepted from the peer (default 1 MiB; spdystream v0.5.1 allows the 24-bit
    /// maximum, 16 MiB - 1). Checked on the frame header, before the payload is buffered.
    /// </summary>
    public int MaxControlFrameLength { get; init; } = 1 << 20;

    /// <summary>
    /// Largest inflated name/value block (default 1 MiB, Go's <c>http.DefaultMaxHeaderBytes</c>; spdystream v0.5.1
    /// allows 1 MiB per name and per value). Inflating stops as soon as it is passed, so a zlib bomb costs at most
    /// this much; every name and value length is checked against what is left of the block.
    /// </summary>
    public int MaxHeaderBlockSize { get; init; } = 1 << 20;

    /// <summary>
    /// Most name/value pairs in one header block, counting each NUL-separated value (default 1000, spdystream
    /// v0.5.1's <c>defaultMaxHeaderCount</c>, which counts names only).
    /// </summary>
    public int MaxHeaderCount { get; init; } = 1000;

    /// <summary>
    /// Most streams the peer may have open, or opened and not yet accepted, at once (default 1000; SPDY/3.1
    /// section 2.6.4 asks for at least 100, and a kubectl port-forward uses two per connection). Advertised as
    /// SETTINGS_MAX_CONCURRENT_STREAMS; a stream beyond it is refused with RST_STREAM(REFUSED_STREAM), as the
    /// spec asks, and the session carries on.
    /// </summary>
    public int MaxConcurrentStreams { get; init; } = 1000;

    /// <summary>If set, a PING is sent this often to keep idle connections (and load balancers) alive.</summary>
    public TimeSpan? PingInterval { get; init; }

    /// <summary>
    /// How long <see cref="SpdySession.DisposeAsync"/>, or a session ending on a protocol error, waits to send
    /// its GOAWAY before it cuts the transport.
    /// </summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialWindowSize, 1024, nameof(InitialWindowSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDataFrameLength, 1, nameof(MaxDataFrameLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDataFrameLength, SpdyFrameWriter.MaxDataLength, nameof(MaxDataFrameLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxControlFrameLength, 1024, nameof(MaxControlFrameLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxControlFrameLength, SpdyFrameWriter.MaxDataLength, nameof(MaxControlFrameLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderBlockSize, 1024, nameof(MaxHeaderBlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderCount, 1, nameof(MaxHeaderCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentStreams, 1, nameof(MaxConcurrentStreams));
    }
}
