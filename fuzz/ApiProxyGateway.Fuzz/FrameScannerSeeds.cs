using System.Buffers.Binary;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.Fuzz;

/// <summary>
/// frame-scanners seeds: a control byte (bit 7 clear: WebSocket; set: SPDY), then what a relay passes through. WebSocket:
/// a kubelet's v5 exec frames (stdout, a fragmented message with a ping inside it, every length encoding, a close),
/// a client's masked frames and the gateway's own farewell. SPDY: the spdy-frames seeds and a farewell.
/// </summary>
internal static class FrameScannerSeeds
{
    private const string Reason = "pods \"shell\" is forbidden: User \"ann\" cannot create resource \"pods/exec\"";

    public static IEnumerable<(string Name, byte[] Bytes)> All()
    {
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        (string, byte[][])[] webSocket =
        [
            ("ws-exec-v5", [Frame(2, true, [1, .. "total 0\n"u8]), Frame(2, true, [2, .. "warning\n"u8]), Frame(2, true, [3, .. "{\"status\":\"Success\"}"u8]), Frame(8, true, [0x03, 0xE8])]),
            ("ws-fragmented-with-ping", [Frame(1, false, "hel"u8), Frame(9, true, "?"u8), Frame(0, false, "lo"u8), Frame(10, true, []), Frame(0, true, "!"u8)]),
            ("ws-lengths", [Frame(2, true, new byte[125]), Frame(2, true, new byte[126]), Frame64(2, new byte[3])]),
            ("ws-client-masked", [Frame(2, true, [0, .. "ls -l\n"u8], mask), Frame(2, true, [4, .. "{\"Width\":80,\"Height\":24}"u8], mask), Frame(8, true, [], mask)]),
            ("ws-farewell", [StreamFarewell.WebSocket(Reason, StreamProtocols.RemoteCommandV5, portForward: false, ports: 0, closeOnly: false)]),
            ("ws-after-close", [Frame(8, true, [0x03, 0xE8]), Frame(2, true, [1])]),
        ];
        foreach (var (name, frames) in webSocket)
        {
            byte[] wire = [.. frames.SelectMany(f => f)];
            yield return (name, [0x00, .. wire]);
            yield return (name + "-chunked", [0x15, .. wire]);
        }

        foreach (var (name, bytes) in SpdySeeds.Frames())
        {
            yield return ("spdy-" + name, [(byte)(0x80 | bytes[0]), .. bytes.AsSpan(1)]);
        }

        yield return ("spdy-farewell", [0x80, .. StreamFarewell.Spdy(Reason, StreamProtocols.RemoteCommandV4, [1u, 3u])]);
    }

    /// <summary>A server's (unmasked) or, with <paramref name="mask"/>, a client's frame, the length in its shortest encoding.</summary>
    private static byte[] Frame(byte opcode, bool fin, ReadOnlySpan<byte> payload, byte[]? mask = null)
    {
        var extended = payload.Length < 126 ? 0 : 2;
        var header = new byte[2 + extended];
        header[0] = (byte)((fin ? 0x80 : 0) | opcode);
        header[1] = (byte)((mask is null ? 0 : 0x80) | (extended == 0 ? payload.Length : 126));
        if (extended == 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)payload.Length);
        }

        var body = payload.ToArray();
        for (var i = 0; mask is not null && i < body.Length; i++)
        {
            body[i] ^= mask[i % 4];
        }

        return [.. header, .. mask ?? [], .. body];
    }

    /// <summary>A final frame whose (short) length is written in the 64-bit encoding.</summary>
    private static byte[] Frame64(byte opcode, ReadOnlySpan<byte> payload)
    {
        var header = new byte[10];
        header[0] = (byte)(0x80 | opcode);
        header[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), (ulong)payload.Length);
        return [.. header, .. payload];
    }
}
