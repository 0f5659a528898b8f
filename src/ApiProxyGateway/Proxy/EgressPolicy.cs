using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Protocols.Net;
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
        var effective = EmbeddedIPv4.Unwrap(address);
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
}
