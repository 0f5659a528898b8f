namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>RST_STREAM status codes (SPDY/3.1 section 2.6.3).</summary>
public enum SpdyStreamStatus
{
    ProtocolError = 1,
    InvalidStream = 2,
    RefusedStream = 3,
    UnsupportedVersion = 4,
    Cancel = 5,
    InternalError = 6,
    FlowControlError = 7,
    StreamInUse = 8,
    StreamAlreadyClosed = 9,
    FrameTooLarge = 11,
}
