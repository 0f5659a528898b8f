using System.Globalization;
using System.Net;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Finds where a proxy request goes, as kube-apiserver's <c>ResourceLocation</c> does — with the egress policy
/// checked on the exact address that will be dialled and the TLS expectations attached:
/// pods: <c>status.podIPs[0]</c> and the named or numbered port (default: the first declared container port);
/// services: the service port mapped to a ready endpoint whose target is a pod of the same namespace with that IP;
/// nodes: the kubelet (over the kubelet connection) for its own port, the node address otherwise.
/// </summary>
internal sealed class ProxyTargetResolver(ClusterView cluster, KubeletTargetResolver kubelets, WorkloadTrust trust, EgressPolicy egress, IOptions<ProxyOptions> options, IOptions<KubeletOptions> kubeletOptions)
{
    public async Task<ProxyResolution> ResolveAsync(ProxyKind kind, string ns, ProxyTargetName name, CancellationToken cancellationToken) => kind switch
    {
        ProxyKind.Pods => await PodAsync(ns, name, cancellationToken),
        ProxyKind.Services => await ServiceAsync(ns, name, cancellationToken),
        _ => await NodeAsync(name, cancellationToken),
    };

    private async Task<ProxyResolution> PodAsync(string ns, ProxyTargetName name, CancellationToken cancellationToken)
    {
        if (await cluster.GetPodAsync(ns, name.Name, cancellationToken) is not { } pod)
        {
            return ProxyRefusal.NotFound("pods", name.Name);
        }

        if (pod.PodIps.Count == 0 || !IPAddress.TryParse(pod.PodIps[0], out var address))
        {
            return ProxyRefusal.Unavailable($"pod \"{pod.Name}\" has no IP address yet");
        }

        int port;
        if (name.Port.Length == 0)
        {
            port = pod.Ports.Count > 0 ? pod.Ports[0].Port : DefaultPort(name.Scheme);
        }
        else if (!int.TryParse(name.Port, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            var named = pod.Ports.FirstOrDefault(p => p.Name == name.Port);
            if (named is null)
            {
                return ProxyRefusal.BadRequest($"pod \"{pod.Name}\" has no container port named \"{name.Port}\"");
            }

            port = named.Port;
        }

        // Named without a port and declaring none: kube-apiserver's location has no port, so neither has the Host.
        var target = await WorkloadAsync($"pod \"{ns}/{pod.Name}\"", ns, null, address, port, name.Scheme, [address.ToString()], cancellationToken);
        return name.Port.Length == 0 && pod.Ports.Count == 0 && target.Target is { } found ? new ProxyResolution(found with { ImplicitPort = true }, null) : target;
    }

    private async Task<ProxyResolution> ServiceAsync(string ns, ProxyTargetName name, CancellationToken cancellationToken)
    {
        if (await cluster.GetServiceAsync(ns, name.Name, cancellationToken) is not { } service)
        {
            return ProxyRefusal.NotFound("services", name.Name);
        }

        var portName = name.Port;
        if (int.TryParse(portName, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (service.Ports.FirstOrDefault(p => p.Port == number) is not { } servicePort)
            {
                return ProxyRefusal.Unavailable($"no service port {number} found for service \"{service.Name}\"");
            }

            portName = servicePort.Name ?? "";
        }

        var candidates = new List<(IPAddress Address, int Port)>();
        foreach (var slice in cluster.EndpointSlicesOf(ns, service.Name))
        {
            if (slice.Ports.FirstOrDefault(p => (p.Name ?? "") == portName) is not { } endpointPort)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints.Where(e => e.Ready && e.TargetKind == "Pod" && (e.TargetNamespace ?? ns) == ns && e.TargetName is not null))
            {
                // CVE-2021-25740: only an address that really is the named pod's, in the Service's namespace.
                var pod = await cluster.GetPodAsync(ns, endpoint.TargetName!, cancellationToken); // filtered above
                foreach (var address in endpoint.Addresses.Where(a => pod?.PodIps.Contains(a, StringComparer.Ordinal) == true))
                {
                    if (IPAddress.TryParse(address, out var ip))
                    {
                        candidates.Add((ip, endpointPort.Port));
                    }
                }
            }
        }

        if (candidates.Count == 0)
        {
            return ProxyRefusal.Unavailable($"no endpoints available for service \"{service.Name}\"");
        }

        var chosen = candidates[Random.Shared.Next(candidates.Count)];
        var domain = options.Value.ClusterDomain.Trim('.');
        return await WorkloadAsync($"service \"{ns}/{service.Name}\" (endpoint {chosen.Address}:{chosen.Port})", ns, service, chosen.Address, chosen.Port, name.Scheme,
            [$"{service.Name}.{ns}.svc", $"{service.Name}.{ns}.svc.{domain}"], cancellationToken);
    }

    private async Task<ProxyResolution> NodeAsync(ProxyTargetName name, CancellationToken cancellationToken)
    {
        if (await cluster.GetNodeAsync(name.Name, cancellationToken) is not { } node)
        {
            return ProxyRefusal.NotFound("nodes", name.Name);
        }

        KubeletTarget kubelet;
        try
        {
            kubelet = await kubelets.ResolveAsync(node, cancellationToken);
        }
        catch (UpstreamConnectException e)
        {
            return ProxyRefusal.BadGateway(e.Message);
        }

        if (egress.Refusal(kubelet.Address) is { } refusal)
        {
            return Refused($"node \"{node.Name}\"", kubelet.Address, refusal);
        }

        var port = kubelet.Port;
        if (name.Port.Length > 0 && (!int.TryParse(name.Port, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return ProxyRefusal.BadRequest($"\"{name.Port}\" is not a port number; nodes/proxy takes a numbered port");
        }

        // The kubelet's port however it is written (10250, 010250) is the kubelet, with every kubelet check.
        if (port == kubelet.Port)
        {
            return new ProxyTarget(kubelet.Display, kubelet.Address, kubelet.Port, "https", [kubelet.TlsName], null, "the kubelet CA", kubelet);
        }

        return await WorkloadAsync($"node \"{node.Name}\"", "", null, kubelet.Address, port, name.Scheme.Length == 0 ? "https" : name.Scheme, [kubelet.TlsName], cancellationToken);
    }

    private async Task<ProxyResolution> WorkloadAsync(string display, string ns, ServiceInfo? service, IPAddress address, int port, string scheme, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (egress.Refusal(address) is { } refusal)
        {
            return Refused(display, address, refusal);
        }

        if (KubeletAt(address, port) is { } node)
        {
            // A hostNetwork pod or an endpoint on a node's kubelet port is the kubelet: reached as a workload it would
            // skip the kubelet checks (node identity, the refused endpoints, the fine-grained node subresources).
            return ProxyRefusal.BadRequest($"{display} at {new IPEndPoint(address, port)} is the kubelet of node \"{node}\", which is reached only through nodes/{node}/proxy");
        }

        scheme = scheme.Length == 0 ? "http" : scheme;
        if (scheme == "http")
        {
            return options.Value.PlainHttpNamespaces.Contains(ns, StringComparer.Ordinal)
                ? new ProxyTarget($"{display} over plain http", address, port, "http", [], null, "none (plain http allowed for this namespace)")
                : ProxyRefusal.BadRequest($"plain http to {display} is refused: the gateway proxies to workloads only over verified https " +
                    $"(name the scheme in the URL, as in https:NAME:PORT); an operator can allow plain http for namespace \"{ns}\" with Proxy:PlainHttpNamespaces");
        }

        var (bundle, source) = await trust.ForAsync(ns, service, cancellationToken);
        return bundle is null
            ? ProxyRefusal.BadGateway($"cannot verify {display}: {source}")
            : new ProxyTarget(display, address, port, "https", names, bundle, source);
    }

    /// <summary>The node whose kubelet listens at <paramref name="address"/>:<paramref name="port"/>, if any.</summary>
    private string? KubeletAt(IPAddress address, int port)
    {
        return cluster.NodesAt(address).FirstOrDefault(node => (node.KubeletPort > 0 ? node.KubeletPort : kubeletOptions.Value.Port) == port)?.Name;
    }

    private static ProxyRefusal Refused(string display, IPAddress address, string reason) =>
        ProxyRefusal.BadRequest($"address not allowed: {display} is at {address}, {reason}, which the gateway's egress policy refuses");

    private static int DefaultPort(string scheme) => scheme == "https" ? 443 : 80;
}
