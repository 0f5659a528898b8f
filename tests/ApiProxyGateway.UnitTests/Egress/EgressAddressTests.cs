using System.Net;
using ApiProxyGateway.Egress;

namespace ApiProxyGateway.UnitTests.Egress;

public sealed class EgressAddressTests
{
    [Theory]
    [InlineData("10.0.0.5", 10250, "10.0.0.5:10250")]
    [InlineData("fd00::5", 10250, "[fd00::5]:10250")]
    public void Format_IpAddresses_AreHostPortWithIpv6InBrackets(string address, int port, string expected) =>
        Assert.Equal(expected, EgressAddress.Format(new IPEndPoint(IPAddress.Parse(address), port)));

    [Theory]
    [InlineData("api.example.com", "api.example.com:6443")]
    [InlineData("[fd00::1]", "[fd00::1]:6443")]
    [InlineData("10.0.0.1", "10.0.0.1:6443")]
    public void Format_HostNames_AreHostPort(string host, string expected) =>
        Assert.Equal(expected, EgressAddress.Format(new DnsEndPoint(host, 6443)));

    [Theory]
    [InlineData("api.example.com\r\nX-Injected: 1")]
    [InlineData("two words")]
    public void Format_NotAHostName_IsRefusedBeforeItReachesTheWire(string host) =>
        Assert.Throws<ArgumentException>(() => EgressAddress.Format(new DnsEndPoint(host, 6443)));
}
