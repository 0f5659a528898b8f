using System.Net;
using ApiProxyGateway.Kubelets;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.Upstreams;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class KubeletTargetTests
{
    private static readonly NodeInfo Node = new("node-a", [new("Hostname", "localhost"), new("ExternalIP", "203.0.113.7"), new("InternalIP", "10.1.2.3")], 0, []);

    [Fact]
    public async Task Resolve_DefaultPreference_PicksInternalIpAndTheDefaultPort()
    {
        var target = await new KubeletTargetResolver(Options.Create(new KubeletOptions())).ResolveAsync(Node, TestContext.Current.CancellationToken);

        Assert.Equal(new KubeletTarget("node-a", IPAddress.Parse("10.1.2.3"), "10.1.2.3", 10250), target);
    }

    [Fact]
    public async Task Resolve_HostnameFirst_DialsTheResolvedAddressAndExpectsTheName()
    {
        var resolver = new KubeletTargetResolver(Options.Create(new KubeletOptions { PreferredAddressTypes = "Hostname,InternalIP" }));

        var target = await resolver.ResolveAsync(Node with { KubeletPort = 11250 }, TestContext.Current.CancellationToken);

        Assert.True(IPAddress.IsLoopback(target.Address));
        Assert.Equal("localhost", target.TlsName);
        Assert.Equal(11250, target.Port);
    }

    [Fact]
    public async Task Resolve_NoAddressOfAPreferredType_FailsNamingTheNode()
    {
        var resolver = new KubeletTargetResolver(Options.Create(new KubeletOptions { PreferredAddressTypes = "InternalDNS" }));

        var error = await Assert.ThrowsAsync<UpstreamConnectException>(() => resolver.ResolveAsync(Node, TestContext.Current.CancellationToken));

        Assert.Contains("node \"node-a\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("no address of the preferred types [InternalDNS]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("system:node:node-a", new[] { "system:nodes" }, null)]
    [InlineData("system:node:node-b", new[] { "system:nodes" }, "the certificate belongs to \"system:node:node-b\", not \"system:node:node-a\"")]
    [InlineData("system:node:node-a", new string[0], "the certificate subject lacks O=system:nodes")]
    [InlineData("node-a", new[] { "system:nodes" }, "the certificate belongs to \"node-a\", not \"system:node:node-a\"")]
    public void NodeIdentity_ChecksCommonNameAndOrganization(string commonName, string[] organizations, string? expected)
    {
        using var ca = TestPki.CreateAuthority("kubelet-ca");
        using var certificate = TestPki.IssueServer(ca, commonName, [IPAddress.Loopback], organizations: organizations);

        Assert.Equal(expected, NodeIdentity.Check(certificate, "node-a"));
    }
}
