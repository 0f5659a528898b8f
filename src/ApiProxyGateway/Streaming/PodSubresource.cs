namespace ApiProxyGateway.Streaming;

/// <summary>The pod subresources the gateway serves itself, straight from the kubelet.</summary>
internal enum PodSubresource
{
    Log,
    Exec,
    Attach,
    PortForward,
}
