namespace ApiProxyGateway.Sandbox.Rbac;

/// <summary>An authenticated identity as kube-apiserver sees it (user.Info).</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string Uid, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public const string AllAuthenticated = "system:authenticated";
    public const string AllUnauthenticated = "system:unauthenticated";
    public const string Anonymous = "system:anonymous";
    public const string SystemMasters = "system:masters";

    public UserInfo(string name, IReadOnlyList<string> groups)
        : this(name, groups, "", new Dictionary<string, IReadOnlyList<string>>())
    {
    }

    public override string ToString() => $"{Name} [{string.Join(", ", Groups)}]";
}
