namespace ApiProxyGateway.Protocols.Spdy;

internal sealed record HeadersFrame(uint StreamId, bool Fin, SpdyHeaders Headers) : SpdyFrame;
