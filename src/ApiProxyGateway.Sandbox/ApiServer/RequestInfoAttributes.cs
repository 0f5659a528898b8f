using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

internal static class RequestInfoAttributes
{
    /// <summary>The authorization question a request asks, as kube-apiserver's authorization filter builds it.</summary>
    public static AuthorizationAttributes ToAttributes(this RequestInfo info, UserInfo user) => new()
    {
        User = user,
        Verb = info.Verb,
        IsResourceRequest = info.IsResourceRequest,
        Namespace = info.Namespace,
        ApiGroup = info.ApiGroup,
        ApiVersion = info.ApiVersion,
        Resource = info.Resource,
        Subresource = info.Subresource,
        Name = info.Name,
        Path = info.Path,
    };
}
