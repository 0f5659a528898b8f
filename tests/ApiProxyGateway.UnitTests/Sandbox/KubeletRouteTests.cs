using ApiProxyGateway.Sandbox.Kubelets;
using ApiProxyGateway.Sandbox.Rbac;

namespace ApiProxyGateway.UnitTests.Sandbox;

public sealed class KubeletRouteTests
{
    [Theory]
    [InlineData("/containerLogs/demo/web/web", "ContainerLogs", "demo", "web", "", "web")]
    [InlineData("/exec/demo/web/web", "Exec", "demo", "web", "", "web")]
    [InlineData("/exec/demo/web/0b5c-uid/web", "Exec", "demo", "web", "0b5c-uid", "web")]
    [InlineData("/attach/demo/shell/u1/shell", "Attach", "demo", "shell", "u1", "shell")]
    [InlineData("/run/demo/shell/shell", "Run", "demo", "shell", "", "shell")]
    [InlineData("/portForward/demo/web", "PortForward", "demo", "web", "", "")]
    [InlineData("/portForward/demo/web/u2", "PortForward", "demo", "web", "u2", "")]
    [InlineData("/exec/demo/my%20pod/c", "Exec", "demo", "my pod", "", "c")]
    public void Parse_PodPaths_NamePodUidAndContainer(string path, string endpoint, string ns, string pod, string uid, string container) =>
        Assert.Equal(new KubeletRoute(Enum.Parse<KubeletEndpoint>(endpoint), ns, pod, uid, container), KubeletRoute.Parse(path));

    [Theory]
    [InlineData("/pods", "Pods")]
    [InlineData("/healthz", "Healthz")]
    [InlineData("/healthz/ping", "Healthz")]
    [InlineData("/metrics/cadvisor", "Metrics")]
    [InlineData("/stats/summary", "Stats")]
    [InlineData("/containerLogs/demo/web", "NotFound")]
    [InlineData("/exec/demo", "NotFound")]
    [InlineData("/nothing", "NotFound")]
    public void Parse_OtherPaths_PickTheEndpoint(string path, string endpoint) =>
        Assert.Equal(Enum.Parse<KubeletEndpoint>(endpoint), KubeletRoute.Parse(path).Endpoint);

    [Theory]
    [InlineData("/stats/summary", "stats")]
    [InlineData("/metrics", "metrics")]
    [InlineData("/metrics/probes", "metrics")]
    [InlineData("/logs/kubelet.log", "log")]
    [InlineData("/pods", "pods proxy")]
    [InlineData("/healthz", "healthz proxy")]
    [InlineData("/configz", "configz proxy")]
    [InlineData("/exec/demo/web/web", "proxy")]
    [InlineData("/containerLogs/demo/web/web", "proxy")]
    [InlineData("/portForward/demo/web", "proxy")]
    [InlineData("/statsfoo", "proxy")]
    public void Subresources_ByPathPrefix_AsTheKubeletAuthFilter(string path, string expected) =>
        Assert.Equal(expected, string.Join(' ', KubeletAuthorization.Subresources(path)));

    [Theory]
    [InlineData("GET", "get")]
    [InlineData("POST", "create")]
    [InlineData("PUT", "update")]
    [InlineData("PATCH", "patch")]
    [InlineData("DELETE", "delete")]
    [InlineData("HEAD", "")]
    public void Verb_FromMethod_AsTheKubelet(string method, string verb) => Assert.Equal(verb, KubeletAuthorization.Verb(method));

    [Fact]
    public void Attributes_ForPods_AskNodesSubresourcesOfTheNode()
    {
        var user = new UserInfo("someone", ["system:authenticated"]);

        var attributes = KubeletAuthorization.Attributes(user, "node-a", "GET", "/pods").ToList();

        Assert.Equal(["pods", "proxy"], attributes.Select(a => a.Subresource));
        Assert.All(attributes, a => Assert.Equal(("nodes", "node-a", "get", "", true), (a.Resource, a.Name, a.Verb, a.ApiGroup, a.IsResourceRequest)));
        Assert.Equal("Forbidden (user=someone, verb=get, resource=nodes, subresource(s)=[pods proxy])", KubeletAuthorization.ForbiddenMessage(user, "GET", "/pods"));
    }
}
