namespace ApiProxyGateway.Kubernetes;

/// <summary>What the gateway needs to know about a node to reach its kubelet.</summary>
internal sealed record NodeInfo(string Name, IReadOnlyList<NodeAddressInfo> Addresses, int KubeletPort, IReadOnlyList<string> DeclaredFeatures)
{
    public const string ExtendWebSocketsToKubelet = "ExtendWebSocketsToKubelet";

    /// <summary>Kubelets from 1.36 with the feature accept WebSocket v5 and the port-forward tunnel themselves.</summary>
    public bool SpeaksWebSockets => DeclaredFeatures.Contains(ExtendWebSocketsToKubelet, StringComparer.Ordinal);
}
