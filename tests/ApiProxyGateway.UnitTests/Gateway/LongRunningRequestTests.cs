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

    /// <summary>
    /// Review finding: an Upgrade header alone made any request long-running (the 4 h idle timeout, a stream's limits),
    /// while YARP forwards it as an ordinary request. Only what Kestrel calls upgradable (Connection: Upgrade too) is one.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void UpgradeHeader_IsAnUpgradeOnlyWhenTheRequestIsUpgradable(bool upgradable, bool longRunning)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Upgrade = "SPDY/3.1";
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>(new Upgradable(upgradable));
        var info = RequestInfoFactory.Create("GET", "/api/v1/namespaces/demo/pods", _ => null);

        Assert.Equal(longRunning, LongRunningRequest.Matches(context.Request, info));
        Assert.Equal(upgradable, ForwardedUpgrade.IsUpgrade(context));
    }

    private sealed class Upgradable(bool upgradable) : Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => upgradable;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException();
    }
}
