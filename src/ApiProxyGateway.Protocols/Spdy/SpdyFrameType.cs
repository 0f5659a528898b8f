namespace ApiProxyGateway.Protocols.Spdy;

internal static class SpdyFrameType
{
    public const ushort SynStream = 1;
    public const ushort SynReply = 2;
    public const ushort RstStream = 3;
    public const ushort Settings = 4;
    public const ushort Ping = 6;
    public const ushort GoAway = 7;
    public const ushort Headers = 8;
    public const ushort WindowUpdate = 9;

    public const byte FlagFin = 0x01;
    public const byte FlagUnidirectional = 0x02;
    public const byte FlagClearSettings = 0x01;

    public static bool IsKnown(ushort type) => type is SynStream or SynReply or RstStream or Settings or Ping or GoAway or Headers or WindowUpdate;
}
