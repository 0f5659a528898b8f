namespace ApiProxyGateway.Authorization;

/// <summary>The resource attributes of an authorization question, as in a SubjectAccessReview.</summary>
internal sealed record ResourceAttributes(
    string Verb,
    string Group,
    string Resource,
    string Subresource = "",
    string Namespace = "",
    string Name = "")
{
    /// <summary>The resource as RBAC rules and kube-apiserver messages name it, e.g. <c>pods/exec</c>.</summary>
    public string ResourceWithSubresource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";
}
