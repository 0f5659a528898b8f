using System.Globalization;
using System.Net;
using ApiProxyGateway.Protocols.Http;

namespace ApiProxyGateway.Egress;

/// <summary>The <c>host:port</c> a Konnectivity server is asked to dial (IPv6 in brackets), checked before it goes on the wire.</summary>
internal static class EgressAddress
{
    public static string Format(EndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (host, port) = destination switch
        {
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            DnsEndPoint dns => (dns.Host.Trim('[', ']'), dns.Port),
            _ => throw new ArgumentException($"cannot dial a {destination.GetType().Name}", nameof(destination)),
        };
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port).ToString();
        }

        // The address goes into a CONNECT request line or a DIAL_REQ: only a plain host name may.
        if (Uri.CheckHostName(host) != UriHostNameType.Dns || HeaderText.ValueProblem(host) is not null)
        {
            throw new ArgumentException($"'{host}' is not a host name that can be dialled", nameof(destination));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
    }
}
