namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// A control frame of a type SPDY/3.1 does not define (e.g. the removed CREDENTIAL); receivers ignore it, so the
/// reader skips its <see cref="Length"/> payload bytes without keeping them (and the writer sends zeros).
/// </summary>
internal sealed record UnknownControlFrame(ushort Type, byte Flags, int Length) : SpdyFrame;
