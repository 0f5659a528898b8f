using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ApiProxyGateway.Protocols.Konnectivity;
using ApiProxyGateway.Sandbox.Konnectivity;
using ApiProxyGateway.Tests.Support;
using Grpc.Net.Client;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// konnectivity-server's HTTP CONNECT frontend, on its Unix domain socket and on TCP with mutual TLS, as kube-apiserver's
/// HTTPConnect egress dialer (and the gateway's) uses it; and the TCP frontend's gRPC.
/// </summary>
public sealed class KonnectivityHttpConnectTests(KonnectivityFixture fixture) : IClassFixture<KonnectivityFixture>
{
    [Fact]
    public async Task Connect_OverTheSocket_TunnelsToTheNode()
    {
        fixture.SkipUnlessAvailable();

        await using var tunnel = await HttpConnectClient.ConnectAsync(fixture.Plane.SocketPath, fixture.NodeA.EndPoint.ToString(), TestWait.Timeout());

        Assert.Equal(fixture.NodeA.Greeting, await ReadAsync(tunnel, fixture.NodeA.Greeting.Length));
        await tunnel.WriteAsync("ping\n"u8.ToArray(), TestWait.Timeout());
        Assert.Equal("ping\n", await ReadAsync(tunnel, 5));
    }

    [Fact]
    public async Task Connect_OverMutualTls_TunnelsToAPod()
    {
        fixture.SkipUnlessAvailable();

        await using var tunnel = await HttpConnectClient.ConnectAsync(fixture.Plan.KonnectivityServerEndPoint, GatewayTls(), fixture.PodOnNodeB.EndPoint.ToString(), TestWait.Timeout());

        Assert.Equal(fixture.PodOnNodeB.Greeting, await ReadAsync(tunnel, fixture.PodOnNodeB.Greeting.Length));
    }

    [Fact]
    public async Task Connect_OverTlsWithoutClientCertificate_IsRefused()
    {
        fixture.SkipUnlessAvailable();
        var anonymous = GatewayTls();
        anonymous.ClientCertificates = null;

        var refused = await Record.ExceptionAsync(() => HttpConnectClient.ConnectAsync(fixture.Plan.KonnectivityServerEndPoint, anonymous, fixture.NodeA.EndPoint.ToString(), TestWait.Timeout()));

        Assert.True(refused is AuthenticationException or IOException and not HttpConnectException, $"expected a failed handshake, got {refused}");
    }

    [Fact]
    public async Task Connect_OverTlsWithAnotherCasCertificate_IsRefused()
    {
        fixture.SkipUnlessAvailable();
        var foreign = GatewayTls();
        foreign.ClientCertificates = [fixture.Pki.GatewayWorkloadClient.Certificate];

        var refused = await Record.ExceptionAsync(() => HttpConnectClient.ConnectAsync(fixture.Plan.KonnectivityServerEndPoint, foreign, fixture.NodeA.EndPoint.ToString(), TestWait.Timeout()));

        Assert.True(refused is AuthenticationException or IOException and not HttpConnectException, $"expected a failed handshake, got {refused}");
    }

    [Fact]
    public async Task Connect_NodeWithoutAgent_Is500WithKonnectivityServersWordsNamingTheNode()
    {
        fixture.SkipUnlessAvailable();

        var refused = await Assert.ThrowsAsync<HttpConnectException>(() => HttpConnectClient.ConnectAsync(fixture.Plane.SocketPath, fixture.Node(3).ToString(), TestWait.Timeout()));

        Assert.Equal(500, refused.StatusCode);
        Assert.StartsWith("currently no tunnels available: " + KonnectivityMetadata.NoAgentAvailable, refused.Reason, StringComparison.Ordinal);
        Assert.Contains("node \"node-c\"", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NothingListens_Is502WithTheAgentsError()
    {
        fixture.SkipUnlessAvailable();
        var target = fixture.Pod(1, 5, KonnectivityFixture.SilentPort);

        var refused = await Assert.ThrowsAsync<HttpConnectException>(() => HttpConnectClient.ConnectAsync(fixture.Plane.SocketPath, target.ToString(), TestWait.Timeout()));

        Assert.Equal(502, refused.StatusCode);
        Assert.Equal($"dial tcp {target}: connect: connection refused", refused.Reason);
    }

    [Fact]
    public async Task Request_OtherThanConnect_Is405()
    {
        fixture.SkipUnlessAvailable();
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Plane.SocketPath), TestWait.Timeout());
        await using var stream = new NetworkStream(socket);

        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), TestWait.Timeout());
        using var reader = new StreamReader(stream);
        var answer = await reader.ReadToEndAsync(TestWait.Timeout());

        Assert.StartsWith("HTTP/1.1 405 Method Not Allowed\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("this proxy only supports CONNECT passthrough\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteCloses_TheConnectionEnds()
    {
        fixture.SkipUnlessAvailable();

        await using var tunnel = await HttpConnectClient.ConnectAsync(fixture.Plane.SocketPath, fixture.Closer.EndPoint.ToString(), TestWait.Timeout());
        using var reader = new StreamReader(tunnel);

        Assert.Equal(fixture.Closer.Greeting, await reader.ReadToEndAsync(TestWait.Timeout()));
    }

    [Fact]
    public async Task ClientCloses_TheAgentClosesTheRemoteConnection()
    {
        fixture.SkipUnlessAvailable();
        var endedBefore = fixture.NodeA.Ended;
        await using (var tunnel = await HttpConnectClient.ConnectAsync(fixture.Plane.SocketPath, fixture.NodeA.EndPoint.ToString(), TestWait.Timeout()))
        {
            await ReadAsync(tunnel, fixture.NodeA.Greeting.Length);
        }

        await TestWait.UntilAsync(() => fixture.NodeA.Ended > endedBefore, "node-a's echo server saw the tunnel's connection end");
    }

    [Fact]
    public async Task TcpFrontend_SpeaksGrpcToo()
    {
        fixture.SkipUnlessAvailable();
        using var channel = GrpcChannel.ForAddress($"https://{fixture.Plan.KonnectivityServerEndPoint}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { SslOptions = GatewayTls() },
        });
        await using var tunnel = ProxyStream.Open(channel, TestWait.Timeout());

        var dialled = await tunnel.DialAsync(fixture.NodeA.EndPoint.ToString());

        Assert.Equal("", dialled.Error);
        Assert.Equal(fixture.NodeA.Greeting, await tunnel.ReadTextAsync(fixture.NodeA.Greeting.Length));
    }

    /// <summary>The gateway's side of the TCP frontend: its konnectivity client certificate, trusting the konnectivity CA only.</summary>
    private SslClientAuthenticationOptions GatewayTls() =>
        KonnectivityTls.Client(fixture.Pki.GatewayKonnectivityClient.Certificate, fixture.Pki.KonnectivityCa.Certificate, fixture.Plan.KonnectivityServerAddress.ToString());

    private static async Task<string> ReadAsync(Stream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, TestWait.Timeout());
        return Encoding.ASCII.GetString(buffer);
    }
}
