namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>GOAWAY; status 0 = OK, 1 = PROTOCOL_ERROR, 2 = INTERNAL_ERROR.</summary>
internal sealed record GoAwayFrame(uint LastGoodStreamId, uint Status) : SpdyFrame;
