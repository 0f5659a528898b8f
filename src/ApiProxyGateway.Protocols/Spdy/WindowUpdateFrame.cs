namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>WINDOW_UPDATE; stream id 0 is the SPDY/3.1 session-level window.</summary>
internal sealed record WindowUpdateFrame(uint StreamId, uint DeltaWindowSize) : SpdyFrame;
