namespace ApiProxyGateway.Sandbox.Rbac;

/// <summary>What is being asked, as kube-apiserver's authorizer.Attributes: a resource request or a non-resource path.</summary>
internal sealed record AuthorizationAttributes
{
    public required UserInfo User { get; init; }

    public required string Verb { get; init; }

    public bool IsResourceRequest { get; init; }

    public string Namespace { get; init; } = "";

    public string ApiGroup { get; init; } = "";

    public string ApiVersion { get; init; } = "";

    public string Resource { get; init; } = "";

    public string Subresource { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary>The request path, for non-resource requests.</summary>
    public string Path { get; init; } = "";

    /// <summary>kube-apiserver's forbidden message (responsewriters.forbiddenMessage), without the "X is forbidden: " prefix.</summary>
    public string ForbiddenMessage()
    {
        if (!IsResourceRequest)
        {
            return $"User \"{User.Name}\" cannot {Verb} path \"{Path}\"";
        }

        var resource = Subresource.Length > 0 ? $"{Resource}/{Subresource}" : Resource;
        return Namespace.Length > 0
            ? $"User \"{User.Name}\" cannot {Verb} resource \"{resource}\" in API group \"{ApiGroup}\" in the namespace \"{Namespace}\""
            : $"User \"{User.Name}\" cannot {Verb} resource \"{resource}\" in API group \"{ApiGroup}\" at the cluster scope";
    }
}
