using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Upstreams;

namespace ApiProxyGateway.Streaming;

/// <summary>Everything a relay needs about one authorized stream: where it goes and what the client asked for.</summary>
internal sealed record StreamContext(
    HttpContext Http,
    PodSubresource Subresource,
    PodInfo Pod,
    NodeInfo Node,
    KubeletTarget Target,
    HttpMessageInvoker Invoker,
    string KubeletPathAndQuery)
{
    public string? ForwardedFor => Http.Connection.RemoteIpAddress?.ToString();
}
