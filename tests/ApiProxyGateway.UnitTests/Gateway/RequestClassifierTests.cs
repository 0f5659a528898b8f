using ApiProxyGateway.Requests;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class RequestClassifierTests
{
    [Theory]
    [InlineData("/version", "get")]
    [InlineData("/healthz", "get")]
    [InlineData("/apis", "get")]
    [InlineData("/api/v1", "get")]
    [InlineData("/", "get")]
    public void Classify_NonResourcePath_IsPassedThroughWithTheMethodAsVerb(string target, string verb)
    {
        var classified = Classify("GET", target);

        Assert.False(classified.Info.IsResourceRequest);
        Assert.Equal(verb, classified.Info.Verb);
        Assert.Same(RouteKind.PassThrough, classified.Route);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/demo/pods/shell/exec", "exec", "demo", "shell")]
    [InlineData("/api/v1/namespaces/demo/pods/shell/exec/", "exec", "demo", "shell")]
    [InlineData("/api/v1/namespaces/demo/pods/shell%2Fexec", "exec", "demo", "shell")]
    [InlineData("/api/v1/namespaces/demo%2Fpods/shell/exec", "exec", "demo", "shell")]
    [InlineData("/api/v1/namespaces/demo/pods/logger%2Flog", "log", "demo", "logger")]
    [InlineData("/api/v1/namespaces/demo/pods/web/attach", "attach", "demo", "web")]
    [InlineData("/api/v1/namespaces/demo/pods/web/portforward", "portforward", "demo", "web")]
    [InlineData("/api/v1/namespaces/demo/pods/https:web:8443%2Fproxy/", "pods-proxy", "demo", "https:web:8443")]
    [InlineData("/api/v1/namespaces/demo/services/web%2Fproxy/x", "services-proxy", "demo", "web")]
    [InlineData("/api/v1/nodes/node-a%2Fproxy/run/demo/p/c", "nodes-proxy", "", "node-a")]
    public void Classify_GatewaySubresourceInAnyEncoding_IsRoutedToTheGateway(string target, string route, string ns, string name)
    {
        var classified = Classify("GET", target);

        Assert.Equal(route, classified.Route.Name);
        Assert.Equal((ns, name), (classified.Info.Namespace, classified.Info.Name));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/demo/pods/shell//exec", 400)]
    [InlineData("//api/v1/namespaces/demo/pods/shell/exec", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/shell/./exec", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/x/../shell/exec", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/shell/%2e%2e/exec", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/shell/exec//", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/sh%0Aell/exec", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/shell/exec%", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/shell/exec%zz", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/%ff/exec", 400)]
    [InlineData("/api/v1/proxy/namespaces/demo/pods/web", 400)]
    [InlineData("/api/v1/proxy", 400)]
    [InlineData("/api/v1/watch", 400)]
    [InlineData("*", 400)]
    [InlineData("http://gateway/api/v1/namespaces/demo/pods/shell/exec", 400)]
    [InlineData("/api/v1/namespaces/demo/pods/shell/exec/extra", 404)]
    [InlineData("/api/v1/namespaces/demo/pods/shell/log/x", 404)]
    [InlineData("/api/v1/watch/namespaces/demo/pods/shell/exec", 404)]
    [InlineData("/api/v1/pods/shell/exec", 404)]
    [InlineData("/api/v1/namespaces/demo/nodes/node-a/proxy", 404)]
    [InlineData("/api/v1/nodes/node-a/exec", 404)]
    [InlineData("/api/v1/namespaces/demo/services/web/portforward", 404)]
    public void Classify_AmbiguousOrUnservableRequest_IsRefused(string target, int code)
    {
        var classified = RequestClassifier.Classify("POST", target, _ => null, out var refusal);

        Assert.Null(classified);
        Assert.Equal(code, refusal!.Code);
    }

    [Theory]
    [InlineData("/api/v1/nodes/node-a/proxy/healthz%0D%0A%0D%0APOST%20/run/demo/p/c%3Fcmd=x%20HTTP/1.1", "/healthz\r\n\r\nPOST /run/demo/p/c?cmd=x HTTP/1.1")]
    [InlineData("/api/v1/nodes/node-a/proxy/exec%2Fdemo%2Fshell%2Fshell", "/exec/demo/shell/shell")]
    [InlineData("/api/v1/nodes/node-a/proxy/healthz/../run/demo/p/c", "/run/demo/p/c")]
    [InlineData("/api/v1/nodes/node-a/proxy/../../../run", "/run")]
    [InlineData("/api/v1/nodes/node-a/proxy//metrics", "/metrics")]
    [InlineData("/api/v1/nodes/node-a/proxy/pods/", "/pods/")]
    [InlineData("/api/v1/nodes/node-a/proxy/", "/")]
    [InlineData("/api/v1/nodes/node-a/proxy", "")]
    [InlineData("/api/v1/namespaces/demo/pods/web/proxy/a%20b/./c", "/a b/c")]
    public void Classify_ProxyPath_IsDecodedAndCleanedAsKubeApiserverJoinsIt(string target, string proxyPath)
    {
        var classified = Classify("GET", target);

        Assert.Equal(proxyPath, classified.ProxyPath);
    }

    [Fact]
    public void Classify_ProxyPrefix_IsTheEscapedPathUpToProxy()
    {
        var classified = Classify("GET", "/api/v1/namespaces/demo/pods/https:web:8443/proxy/page?x=1");

        Assert.Equal("/api/v1/namespaces/demo/pods/https:web:8443/proxy", classified.ProxyPrefix);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/demo/configmaps/a%20b", "/api/v1/namespaces/demo/configmaps/a%20b")]
    [InlineData("/api/v1/namespaces/demo/configmaps/a%2Fb", "/api/v1/namespaces/demo/configmaps/a/b")]
    [InlineData("/api/v1/namespaces/demo/configmaps/a%3Fb%23c%25", "/api/v1/namespaces/demo/configmaps/a%3Fb%23c%25")]
    [InlineData("/apis/apps/v1/namespaces/demo/deployments/caf%C3%A9", "/apis/apps/v1/namespaces/demo/deployments/caf%C3%A9")]
    [InlineData("/api/v1/namespaces/demo/configmaps/%7Ex%40y:z", "/api/v1/namespaces/demo/configmaps/~x@y:z")]
    public void Classify_PassThroughPath_IsEscapedAsGoEscapesTheDecodedPath(string target, string escaped)
    {
        Assert.Equal(escaped, Classify("GET", target).EscapedPath);
    }

    private static ClassifiedRequest Classify(string method, string target)
    {
        var query = target.Contains('?', StringComparison.Ordinal) ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(target[target.IndexOf('?', StringComparison.Ordinal)..]) : [];
        var classified = RequestClassifier.Classify(method, target, name => query.TryGetValue(name, out var values) ? values[0] : null, out var refusal);
        Assert.True(classified is not null, refusal?.Message);
        return classified;
    }
}
