namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>What a <see cref="SpdyFrameScanner"/> tells about the streams of the direction it follows.</summary>
public interface ISpdyStreamObserver
{
    /// <summary>A SYN_STREAM opened <paramref name="streamId"/> with these headers.</summary>
    void Opened(uint streamId, SpdyHeaders headers);

    /// <summary>This direction's side of <paramref name="streamId"/> is finished (a frame with FIN).</summary>
    void HalfClosed(uint streamId);

    /// <summary>A RST_STREAM ended <paramref name="streamId"/>.</summary>
    void Reset(uint streamId);

    /// <summary>A piece of a DATA frame's payload on <paramref name="streamId"/>, as it passes (only valid during the call).</summary>
    void Data(uint streamId, ReadOnlySpan<byte> data)
    {
    }
}
