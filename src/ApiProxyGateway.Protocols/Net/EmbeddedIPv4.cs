using System.Net;
using System.Net.Sockets;

namespace ApiProxyGateway.Protocols.Net;

/// <summary>
/// The IPv4 address an IPv6 address embeds (mapped <c>::ffff:a.b.c.d</c>, compatible <c>::a.b.c.d</c>, 6to4, NAT64),
/// which dialling it reaches: one reading for every check that asks where an address leads (the egress policy, whether
/// a target is a node's kubelet), so no such check can be passed by writing the same address another way.
/// </summary>
public static class EmbeddedIPv4
{
    /// <summary>The embedded IPv4 address, or <paramref name="address"/> itself when it embeds none.</summary>
    public static IPAddress Unwrap(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var leadingZeros = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        if (leadingZeros && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1))
        {
            return new IPAddress(bytes.AsSpan(12, 4)); // IPv4-compatible ::a.b.c.d (not :: or ::1)
        }

        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return new IPAddress(bytes.AsSpan(2, 4)); // 6to4 2002:AABB:CCDD::/48
        }

        ReadOnlySpan<byte> nat64 = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
        return bytes.AsSpan(0, 12).SequenceEqual(nat64) ? new IPAddress(bytes.AsSpan(12, 4)) : address;
    }
}
