using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Which addresses the proxy may dial, checked on the address actually dialled: global unicast only, as
/// kube-apiserver requires, after unwrapping every IPv6 form that embeds an IPv4 address (mapped, compatible,
/// 6to4, NAT64), so <c>::ffff:127.0.0.1</c> is loopback too. Operators may add networks (the sandbox adds its
/// loopback block); the shipped defaults add none.
/// </summary>
internal sealed class EgressPolicy
{
    private readonly IPNetwork[] _allowed;

    public EgressPolicy(IOptions<ProxyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowed = [.. options.Value.AllowedNetworks.Select(IPNetwork.Parse)];
    }

    /// <summary>Null when the address may be dialled, otherwise the reason it may not (for the 400 message).</summary>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var effective = Unwrap(address);
        if (_allowed.Any(network => network.Contains(effective) || network.Contains(address)))
        {
            return null;
        }

        return Classify(effective) is { } kind
            ? effective.Equals(address) ? kind : $"{kind} ({effective} encoded in {address})"
            : null;
    }

    private static string? Classify(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return "an unspecified address";
        }

        if (IPAddress.IsLoopback(address))
        {
            return "a loopback address";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return bytes[0] == 169 && bytes[1] == 254 ? "a link-local address"
                : bytes[0] >= 224 && bytes[0] <= 239 ? "a multicast address"
                : address.Equals(IPAddress.Broadcast) ? "the broadcast address"
                : bytes[0] == 0 ? "an unspecified address"
                : null;
        }

        return address.IsIPv6LinkLocal ? "a link-local address"
            : address.IsIPv6Multicast ? "a multicast address"
            : null;
    }

    /// <summary>The IPv4 address an IPv6 address carries, if it is one of the forms that embed one.</summary>
    private static IPAddress Unwrap(IPAddress address)
    {
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
