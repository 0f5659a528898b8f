using System.Net;
using System.Net.Sockets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// Chooses a node's kubelet address as kube-apiserver does (the first address of the first preferred type the
/// node has) and resolves a host name once, so the address that is validated is the address that is dialled.
/// </summary>
internal sealed class KubeletTargetResolver(IOptions<KubeletOptions> options)
{
    public async Task<KubeletTarget> ResolveAsync(NodeInfo node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var settings = options.Value;
        var port = node.KubeletPort > 0 ? node.KubeletPort : settings.Port;
        foreach (var type in settings.AddressTypes)
        {
            var address = node.Addresses.FirstOrDefault(a => string.Equals(a.Type, type, StringComparison.Ordinal) && a.Address.Length > 0);
            if (address is null)
            {
                continue;
            }

            if (IPAddress.TryParse(address.Address, out var ip))
            {
                return new KubeletTarget(node.Name, ip, ip.ToString(), port);
            }

            IPAddress[] resolved;
            try
            {
                resolved = await Dns.GetHostAddressesAsync(address.Address, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new UpstreamConnectException($"kubelet on node \"{node.Name}\"", UpstreamFailure.Unreachable, Tls.UpstreamTlsFailure.None, $"its address {address.Address} does not resolve: {e.SocketErrorCode}", e);
            }

            var first = resolved.FirstOrDefault() ?? throw new UpstreamConnectException(
                $"kubelet on node \"{node.Name}\"", UpstreamFailure.Unreachable, Tls.UpstreamTlsFailure.None, $"its address {address.Address} resolves to nothing");
            return new KubeletTarget(node.Name, first, address.Address, port);
        }

        throw new UpstreamConnectException($"kubelet on node \"{node.Name}\"", UpstreamFailure.Unreachable, Tls.UpstreamTlsFailure.None,
            $"the node has no address of the preferred types [{settings.PreferredAddressTypes}]");
    }
}
