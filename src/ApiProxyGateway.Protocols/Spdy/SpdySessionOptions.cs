namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>Tuning for a <see cref="SpdySession"/>. The defaults suit kubectl/kubelet streaming.</summary>
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

    /// <summary>Largest control frame (and inflated header block) accepted from the peer (default 1 MiB).</summary>
    public int MaxControlFrameLength { get; init; } = 1 << 20;

    /// <summary>If set, a PING is sent this often to keep idle connections (and load balancers) alive.</summary>
    public TimeSpan? PingInterval { get; init; }

    /// <summary>How long <see cref="SpdySession.DisposeAsync"/> waits to send its GOAWAY before it cuts the transport.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialWindowSize, 1024, nameof(InitialWindowSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDataFrameLength, 1, nameof(MaxDataFrameLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDataFrameLength, SpdyFrameWriter.MaxDataLength, nameof(MaxDataFrameLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxControlFrameLength, 1024, nameof(MaxControlFrameLength));
    }
}
