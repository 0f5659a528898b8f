using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>What a request is about, as kube-apiserver's RequestInfoFactory derives it from the URL and method.</summary>
internal sealed record RequestInfo
{
    public bool IsResourceRequest { get; init; }

    public required string Path { get; init; }

    public required string Verb { get; init; }

    public string ApiPrefix { get; init; } = "";

    public string ApiGroup { get; init; } = "";

    public string ApiVersion { get; init; } = "";

    public string Namespace { get; init; } = "";

    public string Resource { get; init; } = "";

    public string Subresource { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary>The path segments after resource/name/subresource (e.g. the path of a proxy request).</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];

    public AuthorizationAttributes ToAttributes(UserInfo user) => new()
    {
        User = user,
        Verb = Verb,
        IsResourceRequest = IsResourceRequest,
        Namespace = Namespace,
        ApiGroup = ApiGroup,
        ApiVersion = ApiVersion,
        Resource = Resource,
        Subresource = Subresource,
        Name = Name,
        Path = Path,
    };
}
