using Google.Protobuf;

namespace ApiProxyGateway.Protocols.Konnectivity;

/// <summary>
/// The packets of apiserver-network-proxy's Proxy and Connect streams, each built with its type and payload set
/// together (a packet whose type and payload disagree is dropped by konnectivity-server). The gateway's dialer and
/// the sandbox's server and agents build them here, and nowhere else.
/// </summary>
public static class KonnectivityPackets
{
    /// <summary>The only protocol a Konnectivity agent dials (DialRequest.protocol).</summary>
    public const string Tcp = "tcp";

    public static Packet DialRequest(string address, long random) =>
        new() { Type = PacketType.DialReq, DialRequest = new DialRequest { Protocol = Tcp, Address = address, Random = random } };

    public static Packet DialResponse(long random, long connectId = 0, string error = "") =>
        new() { Type = PacketType.DialRsp, DialResponse = new DialResponse { Random = random, ConnectID = connectId, Error = error } };

    public static Packet Data(long connectId, ReadOnlySpan<byte> data) =>
        new() { Type = PacketType.Data, Data = new Data { ConnectID = connectId, Data_ = ByteString.CopyFrom(data) } };

    public static Packet CloseRequest(long connectId) =>
        new() { Type = PacketType.CloseReq, CloseRequest = new CloseRequest { ConnectID = connectId } };

    public static Packet CloseResponse(long connectId, string error = "") =>
        new() { Type = PacketType.CloseRsp, CloseResponse = new CloseResponse { ConnectID = connectId, Error = error } };

    public static Packet DialClose(long random) =>
        new() { Type = PacketType.DialCls, CloseDial = new CloseDial { Random = random } };

    public static Packet Drain() => new() { Type = PacketType.Drain, Drain = new Drain() };
}
