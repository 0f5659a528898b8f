using ApiProxyGateway.Sandbox.Rbac;
using ApiProxyGateway.Sandbox.Store;
using k8s.Models;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class RbacAuthorizerTests
{
    private readonly ResourceStore _store = new(TimeProvider.System);
    private readonly RbacAuthorizer _authorizer;

    public RbacAuthorizerTests()
    {
        _store.Typed.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "demo" } });
        _store.Typed.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
        _authorizer = new RbacAuthorizer(_store);
    }

    [Fact]
    public void Authorize_RoleBindingToUser_AllowsWithKubeReason()
    {
        Role("demo", "reader", Rule(["get", "list"], [""], ["pods"]));
        RoleBinding("demo", "reader-binding", "Role", "reader", User("alice"));

        var decision = _authorizer.Authorize(Request("alice", "list", "demo", "pods"));

        Assert.True(decision.Allowed);
        Assert.Equal("RBAC: allowed by RoleBinding \"reader-binding/demo\" of Role \"reader\" to User \"alice\"", decision.Reason);
    }

    [Fact]
    public void Authorize_RoleBindingInOtherNamespace_Denies()
    {
        Role("demo", "reader", Rule(["get"], [""], ["pods"]));
        RoleBinding("demo", "reader", "Role", "reader", User("alice"));

        Assert.False(_authorizer.Authorize(Request("alice", "get", "other", "pods")).Allowed);
        Assert.False(_authorizer.Authorize(Request("alice", "get", "", "pods")).Allowed);
    }

    [Fact]
    public void Authorize_PlainResourceRule_DoesNotCoverSubresource()
    {
        Role("demo", "reader", Rule(["get"], [""], ["pods"]));
        RoleBinding("demo", "reader", "Role", "reader", User("alice"));

        Assert.True(_authorizer.Authorize(Request("alice", "get", "demo", "pods")).Allowed);
        Assert.False(_authorizer.Authorize(Request("alice", "get", "demo", "pods", subresource: "log")).Allowed);
    }

    [Theory]
    [InlineData("pods/log", "pods", "log", true)]
    [InlineData("pods/log", "pods", "exec", false)]
    [InlineData("*/log", "pods", "log", true)]
    [InlineData("*/log", "nodes", "log", true)]
    [InlineData("*/log", "pods", "", false)]
    [InlineData("*", "pods", "exec", true)]
    public void Authorize_SubresourceRules_MatchLikeKubernetes(string ruleResource, string resource, string subresource, bool allowed)
    {
        ClusterRole("role", Rule(["get"], [""], [ruleResource]));
        ClusterRoleBinding("binding", "role", User("alice"));

        Assert.Equal(allowed, _authorizer.Authorize(Request("alice", "get", "demo", resource, subresource: subresource)).Allowed);
    }

    [Fact]
    public void Authorize_ResourceNames_RestrictToListedNames()
    {
        ClusterRole("one-pod", new V1PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["pods"], ResourceNames = ["web"] });
        ClusterRoleBinding("one-pod", "one-pod", User("alice"));

        Assert.True(_authorizer.Authorize(Request("alice", "get", "demo", "pods", name: "web")).Allowed);
        Assert.False(_authorizer.Authorize(Request("alice", "get", "demo", "pods", name: "db")).Allowed);
        Assert.False(_authorizer.Authorize(Request("alice", "list", "demo", "pods")).Allowed);
    }

    [Fact]
    public void Authorize_RoleBindingToClusterRole_GrantsOnlyInBindingNamespace()
    {
        ClusterRole("viewer", Rule(["get"], [""], ["configmaps"]));
        RoleBinding("demo", "viewer", "ClusterRole", "viewer", Group("team"));

        var allowed = _authorizer.Authorize(Request("bob", "get", "demo", "configmaps", groups: ["team"]));

        Assert.True(allowed.Allowed);
        Assert.Equal("RBAC: allowed by RoleBinding \"viewer/demo\" of ClusterRole \"viewer\" to Group \"team\"", allowed.Reason);
        Assert.False(_authorizer.Authorize(Request("bob", "get", "other", "configmaps", groups: ["team"])).Allowed);
    }

    [Fact]
    public void Authorize_ClusterRoleBindingToGroup_AllowsEverywhereWithReason()
    {
        ClusterRole("node-reader", Rule(["list"], [""], ["nodes"]));
        ClusterRoleBinding("node-readers", "node-reader", Group("ops"));

        var decision = _authorizer.Authorize(Request("carol", "list", "", "nodes", groups: ["ops"]));

        Assert.True(decision.Allowed);
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"node-readers\" of ClusterRole \"node-reader\" to Group \"ops\"", decision.Reason);
        Assert.False(_authorizer.Authorize(Request("carol", "list", "", "nodes")).Allowed);
    }

    [Fact]
    public void Authorize_ServiceAccountSubjectWithoutNamespace_UsesBindingNamespace()
    {
        Role("demo", "reader", Rule(["get"], [""], ["pods"]));
        RoleBinding("demo", "sa", "Role", "reader", new Rbacv1Subject { Kind = "ServiceAccount", Name = "robot" });

        var decision = _authorizer.Authorize(Request("system:serviceaccount:demo:robot", "get", "demo", "pods"));

        Assert.True(decision.Allowed);
        Assert.EndsWith("to ServiceAccount \"robot/demo\"", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_WrongApiGroup_Denies()
    {
        ClusterRole("apps", Rule(["get"], ["apps"], ["deployments"]));
        ClusterRoleBinding("apps", "apps", User("alice"));

        Assert.True(_authorizer.Authorize(Request("alice", "get", "demo", "deployments", group: "apps")).Allowed);
        Assert.False(_authorizer.Authorize(Request("alice", "get", "demo", "deployments", group: "extensions")).Allowed);
    }

    [Fact]
    public void Authorize_BindingToMissingRole_DeniesWithListerError()
    {
        RoleBinding("demo", "dangling", "Role", "ghost", User("alice"));

        var decision = _authorizer.Authorize(Request("alice", "get", "demo", "pods"));

        Assert.False(decision.Allowed);
        Assert.Equal("RBAC: role.rbac.authorization.k8s.io \"ghost\" not found", decision.Reason);
    }

    [Fact]
    public void Authorize_SystemMasters_AllowsWithoutReason()
    {
        var decision = _authorizer.Authorize(Request("root", "delete", "demo", "secrets", groups: [UserInfo.SystemMasters]));

        Assert.True(decision.Allowed);
        Assert.Equal("", decision.Reason);
    }

    [Theory]
    [InlineData("/apis/*", "/apis/apps/v1", true)]
    [InlineData("/apis/*", "/api/v1", false)]
    [InlineData("/healthz", "/healthz", true)]
    [InlineData("/healthz", "/healthz/ping", false)]
    public void Authorize_NonResourceUrls_MatchExactOrPrefix(string ruleUrl, string path, bool allowed)
    {
        ClusterRole("urls", new V1PolicyRule { Verbs = ["get"], NonResourceURLs = [ruleUrl] });
        ClusterRoleBinding("urls", "urls", User("alice"));

        var request = new AuthorizationAttributes { User = new UserInfo("alice", []), Verb = "get", Path = path };

        Assert.Equal(allowed, _authorizer.Authorize(request).Allowed);
    }

    [Fact]
    public void Authorize_AfterBindingAdded_SeesNewPolicy()
    {
        ClusterRole("reader", Rule(["get"], [""], ["pods"]));
        Assert.False(_authorizer.Authorize(Request("alice", "get", "demo", "pods")).Allowed);

        ClusterRoleBinding("reader", "reader", User("alice"));

        Assert.True(_authorizer.Authorize(Request("alice", "get", "demo", "pods")).Allowed);
    }

    [Fact]
    public void RulesFor_UserWithRoleAndClusterRole_ReturnsBoth()
    {
        ClusterRole("cluster", Rule(["list"], [""], ["nodes"]));
        ClusterRoleBinding("cluster", "cluster", User("alice"));
        Role("demo", "local", Rule(["get"], [""], ["pods"]));
        RoleBinding("demo", "local", "Role", "local", User("alice"));

        var (rules, errors) = _authorizer.RulesFor(new UserInfo("alice", []), "demo");

        Assert.Empty(errors);
        Assert.Equal(["nodes", "pods"], rules.Select(r => r.Resources.Single()));
    }

    private static AuthorizationAttributes Request(string user, string verb, string ns, string resource, string subresource = "", string name = "", string group = "", string[]? groups = null) => new()
    {
        User = new UserInfo(user, groups ?? []),
        Verb = verb,
        IsResourceRequest = true,
        Namespace = ns,
        ApiGroup = group,
        ApiVersion = "v1",
        Resource = resource,
        Subresource = subresource,
        Name = name,
    };

    private static V1PolicyRule Rule(string[] verbs, string[] groups, string[] resources) => new() { Verbs = verbs, ApiGroups = groups, Resources = resources };

    private static Rbacv1Subject User(string name) => new() { Kind = "User", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    private static Rbacv1Subject Group(string name) => new() { Kind = "Group", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    private void Role(string ns, string name, params V1PolicyRule[] rules) =>
        _store.Typed.Create(new V1Role { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Rules = rules });

    private void ClusterRole(string name, params V1PolicyRule[] rules) =>
        _store.Typed.Create(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = name }, Rules = rules });

    private void RoleBinding(string ns, string name, string roleKind, string role, Rbacv1Subject subject) =>
        _store.Typed.Create(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = roleKind, Name = role },
            Subjects = [subject],
        });

    private void ClusterRoleBinding(string name, string role, Rbacv1Subject subject) =>
        _store.Typed.Create(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = name },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
            Subjects = [subject],
        });
}
