namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>
/// DATA frame. The reader may hand out a large frame as several pieces; only the last piece carries
/// <see cref="Fin"/>, so a consumer never needs to know where the wire frame ended.
/// </summary>
internal sealed record SpdyDataFrame(uint StreamId, bool Fin, ReadOnlyMemory<byte> Data) : SpdyFrame;
