using System.Net;

namespace ApiProxyGateway.Kubelets;

/// <summary>
/// A kubelet to dial: the node, the IP actually connected to (resolved once, never again), the name its
/// certificate must carry (the IP itself, or the node's host name), and the port.
/// </summary>
internal sealed record KubeletTarget(string NodeName, IPAddress Address, string TlsName, int Port)
{
    public string Display => $"kubelet on node \"{NodeName}\" ({new IPEndPoint(Address, Port)})";
}
