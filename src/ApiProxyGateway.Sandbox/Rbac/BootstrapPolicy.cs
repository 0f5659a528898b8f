using ApiProxyGateway.Sandbox.Pki;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Rbac;

/// <summary>
/// The RBAC objects every sandbox starts with: kube-apiserver's own bootstrap roles that matter here
/// (cluster-admin, discovery, basic-user, public-info-viewer, kubelet-api-admin) and the gateway's identities.
/// </summary>
internal static class BootstrapPolicy
{
    private static readonly Dictionary<string, string> BootstrapLabels = new() { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };

    public static void Install(ResourceStore store)
    {
        var typed = store.Typed;
        foreach (var role in ClusterRoles())
        {
            typed.Create(role);
        }

        foreach (var binding in ClusterRoleBindings())
        {
            typed.Create(binding);
        }
    }

    private static IEnumerable<V1ClusterRole> ClusterRoles()
    {
        yield return Role("cluster-admin", Resource(["*"], ["*"], ["*"]), new V1PolicyRule { NonResourceURLs = ["*"], Verbs = ["*"] });
        yield return Role("system:discovery", NonResource(["get"], "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"));
        yield return Role("system:public-info-viewer", NonResource(["get"], "/healthz", "/livez", "/readyz", "/version", "/version/"));
        yield return Role(
            "system:basic-user",
            Resource(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Resource(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]));
        yield return Role(
            "system:kubelet-api-admin",
            Resource(["get", "list", "watch", "proxy"], [""], ["nodes"]),
            Resource(["*"], [""], ["nodes/proxy", "nodes/stats", "nodes/log", "nodes/spec", "nodes/metrics", "nodes/checkpoint", "nodes/configz", "nodes/healthz", "nodes/pods"]));
        yield return Role(
            SandboxPki.GatewayApiServerUser,
            Resource(["impersonate"], [""], ["users", "groups", "serviceaccounts"]),
            // Extras are checked as userextras/<key>; RBAC has no "userextras/*" wildcard, so the group's "*" covers every key and uids.
            Resource(["impersonate"], ["authentication.k8s.io"], ["*"]),
            Resource(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
            Resource(["get", "list", "watch"], [""], ["pods", "nodes", "services", "endpoints", "configmaps", "namespaces"]),
            Resource(["get", "list", "watch"], ["discovery.k8s.io"], ["endpointslices"]));
    }

    private static IEnumerable<V1ClusterRoleBinding> ClusterRoleBindings()
    {
        yield return Binding("cluster-admin", "cluster-admin", Group(UserInfo.SystemMasters));
        yield return Binding("kubeadm:cluster-admins", "cluster-admin", Group(SandboxPki.ApiServerKubeletClientGroup));
        yield return Binding("system:discovery", "system:discovery", Group(UserInfo.AllAuthenticated));
        yield return Binding("system:basic-user", "system:basic-user", Group(UserInfo.AllAuthenticated));
        yield return Binding("system:public-info-viewer", "system:public-info-viewer", Group(UserInfo.AllAuthenticated), Group("system:unauthenticated"));
        yield return Binding("system:kubelet-api-admin", "system:kubelet-api-admin", User(SandboxPki.ApiServerKubeletClientUser), User(SandboxPki.GatewayKubeletClientUser));
        yield return Binding(SandboxPki.GatewayApiServerUser, SandboxPki.GatewayApiServerUser, User(SandboxPki.GatewayApiServerUser));
    }

    private static V1ClusterRole Role(string name, params V1PolicyRule[] rules) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1",
        Kind = "ClusterRole",
        Metadata = new V1ObjectMeta { Name = name, Labels = BootstrapLabels },
        Rules = rules,
    };

    private static V1ClusterRoleBinding Binding(string name, string role, params Rbacv1Subject[] subjects) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1",
        Kind = "ClusterRoleBinding",
        Metadata = new V1ObjectMeta { Name = name, Labels = BootstrapLabels },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
        Subjects = subjects,
    };

    private static V1PolicyRule Resource(string[] verbs, string[] groups, string[] resources) =>
        new() { Verbs = verbs, ApiGroups = groups, Resources = resources };

    private static V1PolicyRule NonResource(string[] verbs, params string[] urls) => new() { Verbs = verbs, NonResourceURLs = urls };

    private static Rbacv1Subject Group(string name) => new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "Group", Name = name };

    private static Rbacv1Subject User(string name) => new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "User", Name = name };
}
