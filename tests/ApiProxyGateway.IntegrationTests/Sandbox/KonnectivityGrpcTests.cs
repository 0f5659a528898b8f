using ApiProxyGateway.Protocols.Konnectivity;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Tests.Support;
using Grpc.Core;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// konnectivity-server's gRPC frontend on its Unix domain socket, driven by the generated ProxyService client as the
/// gateway's gRPC dialer drives it, to servers inside the nodes' network namespace that only the agents reach.
/// </summary>
public sealed class KonnectivityGrpcTests(KonnectivityFixture fixture) : IClassFixture<KonnectivityFixture>
{
    [Fact]
    public async Task Dial_NodeAddress_DataRoundTripsThroughTheAgent()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();

        var dialled = await tunnel.DialAsync(fixture.NodeA.EndPoint.ToString());
        var greeting = await tunnel.ReadTextAsync(fixture.NodeA.Greeting.Length);
        await tunnel.SendAsync("ping\n");
        var echo = await tunnel.ReadTextAsync("ping\n".Length);

        Assert.Equal("", dialled.Error);
        Assert.NotEqual(0, dialled.ConnectID);
        Assert.Equal(fixture.NodeA.Greeting, greeting);
        Assert.Equal("ping\n", echo);
    }

    [Fact]
    public async Task Dial_PodAddress_IsServedByTheAgentOfThePodsNode()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();

        var dialled = await tunnel.DialAsync(fixture.PodOnNodeB.EndPoint.ToString());

        Assert.Equal("", dialled.Error);
        Assert.Equal(fixture.PodOnNodeB.Greeting, await tunnel.ReadTextAsync(fixture.PodOnNodeB.Greeting.Length));
    }

    [Fact]
    public async Task Dial_AddressNoAgentServes_IsAnsweredNoAgentAvailable()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();

        var dialled = await tunnel.DialAsync($"{fixture.Plan.ApiServerAddress}:6443");

        Assert.Equal(KonnectivityMetadata.NoAgentAvailable, dialled.Error);
        Assert.Equal(0, dialled.ConnectID);
    }

    [Fact]
    public async Task Dial_NodeWithoutAgent_NamesTheNode()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();

        var dialled = await tunnel.DialAsync(fixture.Node(3).ToString());

        Assert.Equal($"No agent available: the konnectivity-agent of node \"node-c\" is not connected (dial {fixture.Node(3)})", dialled.Error);
    }

    [Fact]
    public async Task Dial_NothingListens_CarriesTheAgentsDialError()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();
        var target = fixture.Node(1, KonnectivityFixture.SilentPort);

        var dialled = await tunnel.DialAsync(target.ToString());

        Assert.Equal($"dial tcp {target}: connect: connection refused", dialled.Error);
        Assert.Equal(0, dialled.ConnectID);
    }

    [Fact]
    public async Task Dial_NodeName_ResolvesToTheNodesAddress()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();

        var dialled = await tunnel.DialAsync($"node-a:{KonnectivityFixture.EchoPort}");

        Assert.Equal("", dialled.Error);
        Assert.Equal(fixture.NodeA.Greeting, await tunnel.ReadTextAsync(fixture.NodeA.Greeting.Length));
    }

    [Fact]
    public async Task CloseRequest_IsAnsweredAndClosesTheRemoteConnection()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();
        await tunnel.DialAsync(fixture.NodeA.EndPoint.ToString());
        await tunnel.ReadTextAsync(fixture.NodeA.Greeting.Length);
        var endedBefore = fixture.NodeA.Ended;

        await tunnel.CloseAsync();
        var answer = await tunnel.ReadAsync();

        Assert.Equal(PacketType.CloseRsp, answer.Type);
        Assert.Equal(tunnel.ConnectId, answer.CloseResponse.ConnectID);
        Assert.Equal("", answer.CloseResponse.Error);
        await TestWait.UntilAsync(() => fixture.NodeA.Ended > endedBefore, "node-a's echo server saw its connection end");
    }

    [Fact]
    public async Task RemoteCloses_TheDiallerGetsCloseResponse()
    {
        fixture.SkipUnlessAvailable();
        await using var tunnel = fixture.Tunnel();

        await tunnel.DialAsync(fixture.Closer.EndPoint.ToString());
        var greeting = await tunnel.ReadTextAsync(fixture.Closer.Greeting.Length);
        var closed = await tunnel.ReadAsync();

        Assert.Equal(fixture.Closer.Greeting, greeting);
        Assert.Equal(PacketType.CloseRsp, closed.Type);
        Assert.Equal(tunnel.ConnectId, closed.CloseResponse.ConnectID);
    }

    [Fact]
    public async Task StreamEnds_TheTunnelIsClosedAtTheAgent()
    {
        fixture.SkipUnlessAvailable();
        var endedBefore = fixture.NodeA.Ended;
        await using (var tunnel = fixture.Tunnel())
        {
            await tunnel.DialAsync(fixture.NodeA.EndPoint.ToString());
            await tunnel.ReadTextAsync(fixture.NodeA.Greeting.Length);
        }

        await TestWait.UntilAsync(() => fixture.NodeA.Ended > endedBefore, "the agent closed the connection of a dialler that went away");
    }

    [Fact]
    public async Task DataForAnUnknownConnection_IsAnsweredWithCloseResponse()
    {
        fixture.SkipUnlessAvailable();
        using var channel = fixture.SocketChannel();
        using var call = new ProxyService.ProxyServiceClient(channel).Proxy(cancellationToken: TestWait.Timeout());

        await call.RequestStream.WriteAsync(KonnectivityPackets.Data(4242, "stray"u8), TestContext.Current.CancellationToken);
        Assert.True(await call.ResponseStream.MoveNext(TestWait.Timeout()));

        Assert.Equal(PacketType.CloseRsp, call.ResponseStream.Current.Type);
        Assert.Equal(4242, call.ResponseStream.Current.CloseResponse.ConnectID);
        Assert.Equal("unrecognized connectID", call.ResponseStream.Current.CloseResponse.Error);
    }

    [Fact]
    public async Task AgentConnect_WithoutAgentId_IsRefused()
    {
        fixture.SkipUnlessAvailable();
        using var handler = new SocketsHttpHandler { SslOptions = KonnectivityTls.Client(fixture.Pki.IssueKonnectivityAgent("node-x").Certificate, fixture.Pki.KonnectivityCa.Certificate) };
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"https://{fixture.Plan.KonnectivityAgentEndPoint}", new() { HttpHandler = handler, DisposeHttpClient = false });
        using var call = new AgentService.AgentServiceClient(channel).Connect(cancellationToken: TestWait.Timeout());

        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(TestWait.Timeout()));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("expected one agent ID in the context", refused.Status.Detail, StringComparison.Ordinal);
    }
}
