namespace ApiProxyGateway.Protocols.Spdy;

internal sealed record PingFrame(uint Id) : SpdyFrame;
