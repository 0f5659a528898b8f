using ApiProxyGateway.Forwarding;
using ApiProxyGateway.Protocols.Kubernetes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>Long-running requests as kube-apiserver's BasicLongRunningRequestCheck names them, and which answers stream.</summary>
public sealed class LongRunningRequestTests
{
    [Theory]
    [InlineData("/api/v1/pods", "follow=true", false, false)]
    [InlineData("/api/v1/pods", "watch=1", true, true)]
    [InlineData("/api/v1/namespaces/demo/pods/web/log", "", true, false)]
    [InlineData("/api/v1/namespaces/demo/pods/web/log", "follow=true", true, true)]
    [InlineData("/api/v1/namespaces/demo/pods/web/log", "follow=", true, true)]
    [InlineData("/api/v1/namespaces/demo/pods/web/log", "follow=0", true, false)]
    public void Follow_MeansSomethingOnlyOnALog(string path, string query, bool longRunning, bool streamsEvents)
    {
        var values = query.Length == 0 ? [] : query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => new StringValues(p[1]));
        var context = new DefaultHttpContext();
        context.Request.Query = new QueryCollection(values);
        var info = RequestInfoFactory.Create("GET", path, name => values.TryGetValue(name, out var v) ? v[0] : null);

        Assert.Equal(longRunning, LongRunningRequest.Matches(context.Request, info));
        Assert.Equal(streamsEvents, LongRunningRequest.StreamsEvents(context.Request, info));
    }
}
