namespace ApiProxyGateway.Protocols.Spdy;

internal sealed record SynReplyFrame(uint StreamId, bool Fin, SpdyHeaders Headers) : SpdyFrame;
