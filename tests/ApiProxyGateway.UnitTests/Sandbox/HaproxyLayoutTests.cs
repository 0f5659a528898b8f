using System.Net;
using ApiProxyGateway.Sandbox.Gateway;

namespace ApiProxyGateway.UnitTests.Sandbox;

/// <summary>The balancer's configuration: TCP mode on the gateway's address, every slot checked on /readyz, the spare in maintenance.</summary>
public sealed class HaproxyLayoutTests
{
    [Fact]
    public void Render_TwoReplicasAndASpare_ChecksEverySlotsReadyzAndDisablesTheSpare()
    {
        var layout = new HaproxyLayout(
            new IPEndPoint(IPAddress.Parse("127.30.0.2"), 8443),
            [(new IPEndPoint(IPAddress.Parse("127.30.0.11"), 8443), 8081), (new IPEndPoint(IPAddress.Parse("127.30.0.12"), 8443), 8081), (new IPEndPoint(IPAddress.Parse("127.30.0.13"), 8443), 8081)],
            "/state",
            "/state/logs/haproxy.log");

        var lines = layout.Render(new HashSet<int> { 1, 2 }).Split('\n').Select(line => line.Trim()).ToList();

        Assert.Contains("mode tcp", lines);
        Assert.Contains("bind 127.30.0.2:8443", lines);
        Assert.Contains("option httpchk GET /readyz", lines);
        Assert.Contains("server slot1 127.30.0.11:8443 check port 8081", lines);
        Assert.Contains("server slot2 127.30.0.12:8443 check port 8081", lines);
        Assert.Contains("server slot3 127.30.0.13:8443 check port 8081 disabled", lines);
        Assert.DoesNotContain(lines, line => line.Contains("shutdown-sessions", StringComparison.Ordinal)); // a draining replica keeps its connections
        Assert.Equal("/state/haproxy.sock", layout.SocketPath);
    }
}
