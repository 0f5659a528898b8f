namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// kube-apiserver's reading of a request (<c>k8s.io/apiserver/pkg/endpoints/request.RequestInfo</c>), from the
/// percent-decoded path: resource requests under <c>/api</c> and <c>/apis</c> name a verb, group, version,
/// namespace, resource, name and subresource; everything else is a non-resource request with the lower-cased method
/// as its verb. <see cref="Parts"/> start at the resource.
/// </summary>
public sealed record RequestInfo(
    bool IsResourceRequest,
    string Path,
    string Verb,
    string ApiPrefix,
    string ApiGroup,
    string ApiVersion,
    string Namespace,
    string Resource,
    string Subresource,
    string Name,
    IReadOnlyList<string> Parts)
{
    /// <summary><c>resource</c> or <c>resource/subresource</c>, as authorization and audit name it.</summary>
    public string ResourceWithSubresource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";
}
