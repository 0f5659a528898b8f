namespace ApiProxyGateway.Protocols.Spdy;

internal sealed record SynStreamFrame(
    uint StreamId,
    uint AssociatedStreamId,
    byte Priority,
    bool Fin,
    bool Unidirectional,
    SpdyHeaders Headers) : SpdyFrame;
