namespace ApiProxyGateway.Protocols.Spdy;

/// <summary>One SETTINGS entry: 8 bits of flags, a 24-bit id and a 32-bit value.</summary>
internal readonly record struct SpdySetting(byte Flags, uint Id, uint Value)
{
    public const uint MaxConcurrentStreams = 4;
    public const uint InitialWindowSize = 7;
}
