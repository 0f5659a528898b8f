using ApiProxyGateway.Sandbox.ApiServer;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class RequestInfoParserTests
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
    [InlineData("PATCH", "/apis/rbac.authorization.k8s.io/v1/clusterroles/x", "", "patch", "", "clusterroles", "x", "")]
    public void Parse_ResourcePaths_LikeKubeApiserver(string method, string path, string query, string verb, string ns, string resource, string name, string subresource)
    {
        var values = query.Length == 0 ? [] : query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

        var info = RequestInfoParser.Parse(method, path, key => values.GetValueOrDefault(key));

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
        var info = RequestInfoParser.Parse("GET", path, _ => null);

        Assert.False(info.IsResourceRequest);
        Assert.Equal("get", info.Verb);
    }
}
