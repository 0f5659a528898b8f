namespace ApiProxyGateway.Protocols.Spdy;

internal sealed record RstStreamFrame(uint StreamId, SpdyStreamStatus Status) : SpdyFrame;
