using System.Net;
using ApiProxyGateway.Sandbox.Addressing;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Sandbox.Pki;

namespace ApiProxyGateway.UnitTests.Sandbox;

/// <summary>The simulated konnectivity-server's small parts: agent identifiers, dial addresses, CONNECT heads, errors, the egress selector file.</summary>
public sealed class KonnectivityTests
{
    [Fact]
    public void AgentIdentifiers_RoundTrip_AsTheAgentSendsThem()
    {
        var identifiers = AgentIdentifiers.Parse("host=node-a&ipv4=127.10.1.1&cidr=127.10.11.0%2F24&default-route=true");

        Assert.Equal(["node-a"], identifiers.Hosts);
        Assert.Equal([IPAddress.Parse("127.10.1.1")], identifiers.Addresses);
        Assert.Equal("host=node-a&ipv4=127.10.1.1&cidr=127.10.11.0%2F24", identifiers.ToString());
    }

    [Theory]
    [InlineData("127.10.1.1", true)]
    [InlineData("127.10.11.200", true)]
    [InlineData("NODE-A", true)]
    [InlineData("127.10.1.2", false)]
    [InlineData("127.10.12.1", false)]
    [InlineData("node-b", false)]
    public void AgentIdentifiers_Serves_TheNodesAddressPodRangeAndName(string host, bool served) =>
        Assert.Equal(served, AgentIdentifiers.Parse("host=node-a&ipv4=127.10.1.1&cidr=127.10.11.0/24").Serves(host));

    [Theory]
    [InlineData("ipv4=node-a")]
    [InlineData("cidr=127.10.11.0")]
    public void AgentIdentifiers_Malformed_AreRefused(string text) => Assert.Throws<FormatException>(() => AgentIdentifiers.Parse(text));

    [Theory]
    [InlineData("127.10.1.1:10250", "127.10.1.1")]
    [InlineData("node-a:10250", "node-a")]
    [InlineData("[fd00::1]:10250", "fd00::1")]
    [InlineData("fd00::1", "fd00::1")]
    public void HostOf_DropsThePort(string address, string host) => Assert.Equal(host, TunnelRouter.HostOf(address));

    [Fact]
    public void RequestHead_Connect_IsReadFromTheRequestLine()
    {
        var head = HttpConnectRequestHead.Parse("CONNECT 127.10.1.1:10250 HTTP/1.1\r\nHost: 127.10.1.1:10250\r\nUser-Agent: Go-http-client/1.1");

        Assert.True(head.IsConnect);
        Assert.Equal("127.10.1.1:10250", head.Target);
        Assert.True(head.HasAuthorityTarget());
    }

    [Theory]
    [InlineData("CONNECT 127.10.1.1 HTTP/1.1")]
    [InlineData("CONNECT 127.10.1.1:0 HTTP/1.1")]
    [InlineData("CONNECT http://127.10.1.1:80/ HTTP/1.1")]
    public void RequestHead_TargetWithoutHostAndPort_IsNoAuthority(string line) => Assert.False(HttpConnectRequestHead.Parse(line).HasAuthorityTarget());

    [Theory]
    [InlineData("CONNECT")]
    [InlineData("CONNECT a:1 HTTP/2")]
    [InlineData("PRI * HTTP/2.0")]
    public void RequestHead_NotHttp1_IsMalformed(string line) => Assert.Throws<FormatException>(() => HttpConnectRequestHead.Parse(line));

    [Theory]
    [InlineData("dial tcp 127.10.1.1:10250: i/o timeout", 504)]
    [InlineData("timed out waiting for backend dial", 504)]
    [InlineData("dial tcp 127.10.1.1:10250: connect: connection refused", 502)]
    [InlineData("socket: too many open files", 503)]
    [InlineData("something else", 502)]
    public void StatusForDialError_FollowsKonnectivityServer(string error, int status) => Assert.Equal(status, HttpConnectTunnel.StatusForDialError(error));

    [Fact]
    public void EgressSelector_GrpcOverTheSocket_IsKubeApiserversFormat()
    {
        var text = EgressSelectorFile.Render(EgressProtocol.Grpc, EgressTransport.Uds, "/state/konnectivity/konnectivity-server.socket", new Uri("https://127.10.0.3:8090"), new SandboxPkiPaths("/state"));

        Assert.Equal("""
            apiVersion: apiserver.k8s.io/v1beta1
            kind: EgressSelectorConfiguration
            egressSelections:
            - name: cluster
              connection:
                proxyProtocol: GRPC
                transport:
                  uds:
                    udsName: "/state/konnectivity/konnectivity-server.socket"

            """, text);
    }

    [Fact]
    public void EgressSelector_GrpcOverTcp_IsRefusedAsKubeApiserverRefusesIt() =>
        Assert.Throws<ArgumentException>(() => EgressSelectorFile.Render(EgressProtocol.Grpc, EgressTransport.Tcp, "/s", new Uri("https://127.10.0.3:8090"), new SandboxPkiPaths("/state")));

    [Fact]
    public void AddressPlan_KonnectivityAndPodRanges_AreInTheBlock()
    {
        var plan = new AddressPlan(42);

        Assert.Equal("127.42.0.3:8090", plan.KonnectivityServerEndPoint.ToString());
        Assert.Equal("127.42.0.3:8091", plan.KonnectivityAgentEndPoint.ToString());
        Assert.Equal("127.42.13.0/24", plan.PodNetwork(3));
    }
}
