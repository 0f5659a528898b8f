namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>A control frame of a type SPDY/3.1 does not define (e.g. the removed CREDENTIAL); receivers ignore it.</summary>
internal sealed record UnknownControlFrame(ushort Type, byte Flags, ReadOnlyMemory<byte> Payload) : SpdyFrame;
