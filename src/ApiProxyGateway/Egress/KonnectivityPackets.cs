using ApiProxyGateway.Protocols.Konnectivity;
using Google.Protobuf;

namespace ApiProxyGateway.Egress;

/// <summary>The packets a dialer sends on a Konnectivity Proxy stream.</summary>
internal static class KonnectivityPackets
{
    /// <summary>The only protocol a Konnectivity agent dials.</summary>
    public const string Tcp = "tcp";

    /// <summary>
    /// The largest DATA payload the gateway sends: a TLS record and its overhead fit in one, and a packet stays far
    /// below gRPC's 4 MiB message limit.
    /// </summary>
    public const int MaxData = 32 * 1024;

    public static Packet DialRequest(string address, long random) => new()
    {
        Type = PacketType.DialReq,
        DialRequest = new DialRequest { Protocol = Tcp, Address = address, Random = random },
    };

    public static Packet DialClose(long random) => new()
    {
        Type = PacketType.DialCls,
        CloseDial = new CloseDial { Random = random },
    };

    public static Packet CloseRequest(long connectId) => new()
    {
        Type = PacketType.CloseReq,
        CloseRequest = new CloseRequest { ConnectID = connectId },
    };

    public static Packet Data(long connectId, ReadOnlySpan<byte> data) => new()
    {
        Type = PacketType.Data,
        Data = new Data { ConnectID = connectId, Data_ = ByteString.CopyFrom(data) },
    };
}
