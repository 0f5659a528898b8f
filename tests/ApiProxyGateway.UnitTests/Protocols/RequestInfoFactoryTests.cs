using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>kube-apiserver's RequestInfoFactory, case by case (the gateway classifies and the sandbox routes with it).</summary>
public sealed class RequestInfoFactoryTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/demo/pods", "", "list", "demo", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods", "watch=true", "watch", "demo", "pods", "", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/demo/pods", "", "watch", "demo", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods/web", "", "get", "demo", "pods", "web", "")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods/web/log", "", "get", "demo", "pods", "web", "log")]
    [InlineData("POST", "/api/v1/namespaces/demo/pods/web/exec", "", "create", "demo", "pods", "web", "exec")]
    [InlineData("DELETE", "/api/v1/namespaces/demo/configmaps", "", "deletecollection", "demo", "configmaps", "", "")]
    [InlineData("GET", "/api/v1/namespaces/demo", "", "get", "demo", "namespaces", "demo", "")]
    [InlineData("PUT", "/api/v1/namespaces/demo/status", "", "update", "demo", "namespaces", "demo", "status")]
    [InlineData("GET", "/api/v1/nodes", "fieldSelector=metadata.name%3Dnode-a", "list", "", "nodes", "node-a", "")]
    [InlineData("GET", "/api/v1/nodes", "fieldSelector=spec.unschedulable%3Dfalse,metadata.name%3D%3Dnode-b", "list", "", "nodes", "node-b", "")]
    [InlineData("GET", "/api/v1/nodes", "fieldSelector=metadata.name!%3Dnode-a", "list", "", "nodes", "", "")]
    [InlineData("GET", "/api/v1/nodes", "fieldSelector=metadata.name%3Da%2Fb", "list", "", "nodes", "", "")]
    [InlineData("PATCH", "/apis/rbac.authorization.k8s.io/v1/clusterroles/x", "", "patch", "", "clusterroles", "x", "")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods", "watch=", "watch", "demo", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/demo/pods", "watch=0", "list", "demo", "pods", "", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/demo/pods/web/exec", "", "watch", "demo", "pods", "web", "exec")]
    [InlineData("GET", "/api/v1/proxy/namespaces/demo/pods/web/x", "", "proxy", "demo", "pods", "web", "")]
    [InlineData("POST", "/api/v1/namespaces/demo/pods/shell//exec", "", "create", "demo", "pods", "shell", "")]
    [InlineData("OPTIONS", "/api/v1/namespaces/demo/pods/web/proxy", "", "", "demo", "pods", "web", "proxy")]
    [InlineData("PUT", "/api/v1/namespaces/demo/finalize", "", "update", "demo", "namespaces", "demo", "finalize")]
    public void Parse_ResourcePaths_LikeKubeApiserver(string method, string path, string query, string verb, string ns, string resource, string name, string subresource)
    {
        var values = query.Length == 0 ? [] : query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

        var info = RequestInfoFactory.Create(method, path, key => values.GetValueOrDefault(key));

        Assert.True(info.IsResourceRequest);
        Assert.Equal((verb, ns, resource, name, subresource), (info.Verb, info.Namespace, info.Resource, info.Name, info.Subresource));
    }

    [Theory]
    [InlineData("/api")]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/version")]
    [InlineData("/healthz")]
    public void Parse_DiscoveryAndHealth_AreNonResourceRequests(string path)
    {
        var info = RequestInfoFactory.Create("GET", path, _ => null);

        Assert.False(info.IsResourceRequest);
        Assert.Equal("get", info.Verb);
    }
}
