using System.Net;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Kubelets;

namespace ApiProxyGateway.Proxy;

/// <summary>
/// Where a proxy request goes: the address dialled, the port and scheme, and — for https — the trust bundle and
/// the names the certificate must carry; or the kubelet, reached over the kubelet connection.
/// </summary>
internal sealed record ProxyTarget(
    string Display,
    IPAddress Address,
    int Port,
    string Scheme,
    IReadOnlyList<string> TlsNames,
    X509Certificate2Collection? Trust,
    string TrustSource,
    KubeletTarget? Kubelet = null,
    bool ImplicitPort = false)
{
    public bool IsHttps => Scheme == "https";

    /// <summary><c>host:port</c> as dialled (an IPv6 address in brackets), with the port even when it is the scheme's default, as Go writes it.</summary>
    public string Authority => $"{Bracketed(Address)}:{Port}";

    /// <summary>
    /// The <c>Host</c> a workload sees, as kube-apiserver's location for the target: <see cref="Authority"/>, or the
    /// address alone for a pod named without a port that declares none (<see cref="ImplicitPort"/>).
    /// </summary>
    public string HostHeader => ImplicitPort ? Bracketed(Address) : Authority;

    private static string Bracketed(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
