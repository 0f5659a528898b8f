using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Rbac;

/// <summary>A typed snapshot of every Role, ClusterRole and binding in the store at one resource version.</summary>
internal sealed class RbacPolicy
{
    private RbacPolicy(
        IReadOnlyList<V1ClusterRoleBinding> clusterRoleBindings,
        IReadOnlyList<V1RoleBinding> roleBindings,
        IReadOnlyDictionary<string, V1ClusterRole> clusterRoles,
        IReadOnlyDictionary<(string Namespace, string Name), V1Role> roles,
        long resourceVersion)
    {
        ClusterRoleBindings = clusterRoleBindings;
        RoleBindings = roleBindings;
        ClusterRoles = clusterRoles;
        Roles = roles;
        ResourceVersion = resourceVersion;
    }

    public IReadOnlyList<V1ClusterRoleBinding> ClusterRoleBindings { get; }

    public IReadOnlyList<V1RoleBinding> RoleBindings { get; }

    public IReadOnlyDictionary<string, V1ClusterRole> ClusterRoles { get; }

    public IReadOnlyDictionary<(string Namespace, string Name), V1Role> Roles { get; }

    public long ResourceVersion { get; }

    public static RbacPolicy Load(ResourceStore store)
    {
        // Read the version first: a write racing with this load only makes the snapshot look older, never newer.
        var version = store.ResourceVersion;
        var typed = store.Typed;
        return new RbacPolicy(
            typed.List<V1ClusterRoleBinding>(),
            typed.List<V1RoleBinding>(),
            typed.List<V1ClusterRole>().ToDictionary(r => r.Metadata.Name, StringComparer.Ordinal),
            typed.List<V1Role>().ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name)),
            version);
    }

    /// <summary>The rules a role reference grants, or kube-apiserver's lister error when the role does not exist.</summary>
    public IList<V1PolicyRule>? RulesOf(V1RoleRef roleRef, string bindingNamespace, out string? error)
    {
        error = null;
        if (roleRef.Kind == "ClusterRole" && ClusterRoles.TryGetValue(roleRef.Name, out var clusterRole))
        {
            return clusterRole.Rules ?? [];
        }

        if (roleRef.Kind == "Role" && bindingNamespace.Length > 0 && Roles.TryGetValue((bindingNamespace, roleRef.Name), out var role))
        {
            return role.Rules ?? [];
        }

        error = roleRef.Kind switch
        {
            "ClusterRole" => $"clusterrole.rbac.authorization.k8s.io \"{roleRef.Name}\" not found",
            "Role" => $"role.rbac.authorization.k8s.io \"{roleRef.Name}\" not found",
            _ => $"unsupported role reference kind: \"{roleRef.Kind}\"",
        };
        return null;
    }
}
