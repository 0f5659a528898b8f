namespace ApiProxyGateway.Sandbox.Store;

/// <summary>
/// One resource the simulated API server knows: what discovery advertises and how the store keys it.
/// Instances are singletons from <see cref="ResourceCatalog"/>, so reference equality is identity.
/// </summary>
public sealed class ResourceType
{
    internal ResourceType(string group, string version, string plural, string kind, bool namespaced)
    {
        Group = group;
        Version = version;
        Plural = plural;
        Kind = kind;
        Namespaced = namespaced;
    }

    public string Group { get; }

    public string Version { get; }

    public string Plural { get; }

    public string Kind { get; }

    public bool Namespaced { get; }

    public string Singular => Kind.ToLowerInvariant();

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The <c>resource.group</c> form kube-apiserver uses in messages (<c>pods</c>, <c>deployments.apps</c>).</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The k8s.Models type used to validate writes; null for resources only listed in discovery.</summary>
    public Type? ModelType { get; private init; }

    /// <summary>Deserializes JSON into <see cref="ModelType"/> (a generic call bound once, so no reflection per request).</summary>
    internal Func<string, object>? Deserialize { get; private init; }

    /// <summary>Whether objects are kept in the store and writable through the API (false: always empty, read-only).</summary>
    public bool Modeled => ModelType is not null && !ReviewOnly;

    /// <summary>Create-only review resources (SubjectAccessReview …), answered and never stored.</summary>
    public bool ReviewOnly { get; internal init; }

    public IReadOnlyList<string> ShortNames { get; internal init; } = [];

    public IReadOnlyList<string> Categories { get; internal init; } = [];

    public IReadOnlyList<string> Subresources { get; internal init; } = [];

    public IReadOnlyList<string> Verbs => ReviewOnly
        ? ["create"]
        : Modeled ? ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] : ["get", "list", "watch"];

    public override string ToString() => GroupResource;

    internal ResourceType WithModel<T>()
        where T : class => new(Group, Version, Plural, Kind, Namespaced)
        {
            ModelType = typeof(T),
            Deserialize = json => k8s.KubernetesJson.Deserialize<T>(json),
            ReviewOnly = ReviewOnly,
            ShortNames = ShortNames,
            Categories = Categories,
            Subresources = Subresources,
        };
}
