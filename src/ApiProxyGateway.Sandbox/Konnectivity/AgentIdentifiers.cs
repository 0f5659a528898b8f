using System.Net;
using System.Text;
using ApiProxyGateway.Protocols.Konnectivity;
using Microsoft.AspNetCore.WebUtilities;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// What one agent serves, as its <c>--agent-identifiers</c> say (<c>host=node-a&amp;ipv4=127.10.1.1&amp;cidr=127.10.11.0/24</c>).
/// </summary>
/// <remarks>
/// konnectivity-server's destHost strategy matches the dialled host against an agent's <c>host</c>, <c>ipv4</c> and
/// <c>ipv6</c> identifiers. The sandbox also matches <c>cidr</c> (an identifier type agents already send), so that each
/// node's agent serves its whole pod range without listing every pod address.
/// </remarks>
internal sealed record AgentIdentifiers(IReadOnlyList<string> Hosts, IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPNetwork> Networks)
{
    public static AgentIdentifiers Empty { get; } = new([], [], []);

    /// <summary>Reads the URL-encoded form; unknown identifier types are ignored, as konnectivity-server does.</summary>
    public static AgentIdentifiers Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Empty;
        }

        var query = QueryHelpers.ParseQuery(text.StartsWith('?') ? text : "?" + text);
        var hosts = query.TryGetValue(KonnectivityMetadata.HostIdentifier, out var h) ? h.OfType<string>().ToList() : [];
        var addresses = new List<IPAddress>();
        foreach (var type in new[] { KonnectivityMetadata.IPv4Identifier, KonnectivityMetadata.IPv6Identifier })
        {
            foreach (var value in query.TryGetValue(type, out var values) ? values.OfType<string>() : [])
            {
                addresses.Add(IPAddress.TryParse(value, out var address) ? address : throw new FormatException($"{type}={value} is not an IP address"));
            }
        }

        var networks = new List<IPNetwork>();
        foreach (var value in query.TryGetValue(KonnectivityMetadata.CidrIdentifier, out var cidrs) ? cidrs.OfType<string>() : [])
        {
            networks.Add(IPNetwork.TryParse(value, out var network) ? network : throw new FormatException($"cidr={value} is not a CIDR"));
        }

        return new AgentIdentifiers(hosts, addresses, networks);
    }

    /// <summary>Whether this agent serves <paramref name="host"/> (an address, or a name without port).</summary>
    public bool Serves(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return Addresses.Contains(address) || Networks.Any(n => n.Contains(address));
        }

        return Hosts.Contains(host, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The URL-encoded form an agent sends.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        void Add(string type, string value) => text.Append(text.Length == 0 ? "" : "&").Append(type).Append('=').Append(Uri.EscapeDataString(value));
        foreach (var host in Hosts)
        {
            Add(KonnectivityMetadata.HostIdentifier, host);
        }

        foreach (var address in Addresses)
        {
            Add(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? KonnectivityMetadata.IPv6Identifier : KonnectivityMetadata.IPv4Identifier, address.ToString());
        }

        foreach (var network in Networks)
        {
            Add(KonnectivityMetadata.CidrIdentifier, network.ToString());
        }

        return text.ToString();
    }
}
