namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>One SPDY/3.1 frame as the codec reads and writes it.</summary>
internal abstract record SpdyFrame;
