using System.Diagnostics;
using ApiProxyGateway.Protocols.Konnectivity;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Tests.Support;
using Grpc.Core;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>The konnectivity faults the gateway's egress tests rely on: an agent down, the server down, slow dials.</summary>
public sealed class KonnectivityFaultTests(KonnectivityFixture fixture) : IClassFixture<KonnectivityFixture>
{
    [Fact]
    public async Task AgentStopped_ItsTunnelsCloseAndDialsToItsNodeNameTheNode()
    {
        fixture.SkipUnlessAvailable();
        await using var open = fixture.Tunnel();
        await open.DialAsync(fixture.NodeA.EndPoint.ToString());
        await open.ReadTextAsync(fixture.NodeA.Greeting.Length);
        try
        {
            await fixture.Plane.StopAgentAsync("node-a", cancellationToken: TestContext.Current.CancellationToken);
            var closed = await open.ReadAsync();
            await using var later = fixture.Tunnel();
            var refused = await later.DialAsync(fixture.NodeA.EndPoint.ToString());
            var overConnect = await Assert.ThrowsAsync<HttpConnectException>(() => HttpConnectClient.ConnectAsync(fixture.Plane.SocketPath, fixture.Pod(1, 5).ToString(), TestWait.Timeout()));

            Assert.Equal(PacketType.CloseRsp, closed.Type);
            Assert.Equal(open.ConnectId, closed.CloseResponse.ConnectID);
            Assert.Equal($"No agent available: the konnectivity-agent of node \"node-a\" is not connected (dial {fixture.NodeA.EndPoint})", refused.Error);
            Assert.Equal(500, overConnect.StatusCode); // konnectivity-server's answer when no agent serves the target
            Assert.Contains("node \"node-a\"", overConnect.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("node-a", fixture.Plane.ConnectedNodes);
        }
        finally
        {
            await fixture.Plane.StartAgentAsync("node-a", cancellationToken: TestContext.Current.CancellationToken);
        }

        await using var again = fixture.Tunnel();
        Assert.Equal("", (await again.DialAsync(fixture.NodeA.EndPoint.ToString())).Error);
    }

    [Fact]
    public async Task SlowDial_IsAnsweredOnlyAfterTheDelay()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();
        fixture.Plane.SetDialDelay("node-b", TimeSpan.FromMilliseconds(1500));
        try
        {
            var clock = Stopwatch.StartNew();
            var dialled = await tunnel.DialAsync(fixture.PodOnNodeB.EndPoint.ToString());

            Assert.Equal("", dialled.Error);
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1400), $"answered after {clock.Elapsed}");
        }
        finally
        {
            fixture.Plane.SetDialDelay("node-b", TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task ServerStopped_StreamsAreToldDrainAndEnd_ThenAgentsReconnectWhenItIsBack()
    {
        fixture.SkipUnlessAvailable();
        await using var open = fixture.Tunnel();
        await open.DialAsync(fixture.NodeA.EndPoint.ToString());
        await open.ReadTextAsync(fixture.NodeA.Greeting.Length);
        var last = open.ReadUntilGoneAsync();
        try
        {
            await fixture.Plane.StopServerAsync(TestContext.Current.CancellationToken);

            Assert.False(fixture.Plane.IsServerRunning);
            Assert.False(File.Exists(fixture.Plane.SocketPath));
            await using var refused = fixture.Tunnel();
            var unreachable = await Assert.ThrowsAsync<RpcException>(() => refused.DialAsync(fixture.NodeA.EndPoint.ToString()));
            Assert.Equal(StatusCode.Unavailable, unreachable.StatusCode);
        }
        finally
        {
            await fixture.Plane.StartServerAsync(cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Contains(await last, p => p.Type == PacketType.Drain);
        Assert.Equal(["node-a", "node-b"], fixture.Plane.ConnectedNodes.Order());
        await using var again = fixture.Tunnel();
        Assert.Equal("", (await again.DialAsync(fixture.PodOnNodeB.EndPoint.ToString())).Error);
    }
}
