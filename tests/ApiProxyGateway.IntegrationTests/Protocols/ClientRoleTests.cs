using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>
/// The library's client role (what the gateway does toward kubelets) over real Kestrel HTTPS: the SPDY upgrade on the
/// duplex stream SocketsHttpHandler returns for a 101, and ClientWebSocket for v5; client certificate, strict trust.
/// </summary>
public sealed class ClientRoleTests(KubectlInteropFixture fixture) : IClassFixture<KubectlInteropFixture>
{
    private static readonly RemoteCommandOptions CatOptions = new() { Stdin = true, Stdout = true, Stderr = true };

    [Fact]
    public async Task ConnectAsync_ExecCatOverTls_NegotiatesV5AndRoundTripsStdin()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        using var invoker = CreateInvoker();
        var input = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);

        var (session, protocol) = await SpdyUpgrade.ConnectAsync(invoker, Request("exec?command=cat&stdin=true&stdout=true&stderr=true"), StreamProtocols.RemoteCommandSpdy, cancellationToken: ct);
        await using (session)
        await using (var exec = await RemoteCommandClient.StartSpdyAsync(session, protocol, CatOptions, ct))
        {
            var output = ReadAllAsync(exec.Stdout!, ct);
            await exec.Stdin!.WriteAsync(input, ct);
            await exec.CloseStdinAsync(ct);
            var result = await exec.WaitForExitAsync(ct);

            Assert.Equal(StreamProtocols.RemoteCommandV5, protocol);
            Assert.Equal(SHA256.HashData(input), SHA256.HashData(await output));
            Assert.Equal(new RemoteCommandResult(0, null), result);
        }
    }

    [Fact]
    public async Task ConnectAsync_ExecExitingThreeWithOnlyV4Offered_ReportsExitCodeThree()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        using var invoker = CreateInvoker();
        var options = new RemoteCommandOptions { Stdout = true, Stderr = true };

        var (session, protocol) = await SpdyUpgrade.ConnectAsync(
            invoker, Request("exec?command=sh&command=-c&command=exit%203&stdout=true&stderr=true"), [StreamProtocols.RemoteCommandV4, StreamProtocols.RemoteCommandV3], cancellationToken: ct);
        await using (session)
        await using (var exec = await RemoteCommandClient.StartSpdyAsync(session, protocol, options, ct))
        {
            var result = await exec.WaitForExitAsync(ct);

            Assert.Equal(StreamProtocols.RemoteCommandV4, protocol);
            Assert.Equal(new RemoteCommandResult(3, null), result);
        }
    }

    [Fact]
    public async Task ConnectAsync_PortForwardOverTls_EchoesDataAndEndsWithoutError()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        using var invoker = CreateInvoker();
        var payload = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);

        var (session, protocol) = await SpdyUpgrade.ConnectAsync(invoker, Request("portforward"), [StreamProtocols.PortForwardV1], cancellationToken: ct);
        await using (session)
        await using (var connection = await PortForwardConnection.OpenAsync(session, FakeKubeApiServer.PodPort, 0, ct))
        {
            var echoed = ReadAllAsync(connection.Data, ct);
            await connection.Data.WriteAndCloseAsync(payload, ct);

            Assert.Equal(StreamProtocols.PortForwardV1, protocol);
            Assert.Equal(SHA256.HashData(payload), SHA256.HashData(await echoed));
            Assert.Null(await connection.Error.WaitAsync(ct));
        }
    }

    [Fact]
    public async Task ClientWebSocket_ExecCatWithV5_RoundTripsStdinAndClosesStdinWithTheSignal()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        using var invoker = CreateInvoker();
        using var webSocket = new System.Net.WebSockets.ClientWebSocket();
        webSocket.Options.AddSubProtocol(StreamProtocols.RemoteCommandV5);
        var input = RandomNumberGenerator.GetBytes(1024 * 1024);
        var uri = new UriBuilder(Request("exec?command=cat&stdin=true&stdout=true&stderr=true").RequestUri!) { Scheme = "wss" }.Uri;

        await webSocket.ConnectAsync(uri, invoker, ct);
        await using (var exec = RemoteCommandClient.StartWebSocket(webSocket, webSocket.SubProtocol!, CatOptions))
        {
            var output = ReadAllAsync(exec.Stdout!, ct);
            await exec.Stdin!.WriteAsync(input, ct);
            await exec.CloseStdinAsync(ct);
            var result = await exec.WaitForExitAsync(ct);

            Assert.Equal(SHA256.HashData(input), SHA256.HashData(await output));
            Assert.Equal(new RemoteCommandResult(0, null), result);
        }
    }

    [Fact]
    public async Task ConnectAsync_ServerRefusesEveryOfferedProtocol_ThrowsWithTheStatus()
    {
        using var invoker = CreateInvoker();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() =>
            SpdyUpgrade.ConnectAsync(invoker, Request("portforward"), ["v9.portforward.k8s.io"], cancellationToken: TestWait.Timeout(TestWait.OperationTimeout)));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private HttpRequestMessage Request(string subresource) =>
        new(HttpMethod.Post, new Uri(fixture.Server.BaseAddress, $"/api/v1/namespaces/{FakeKubeApiServer.Namespace}/pods/{FakeKubeApiServer.PodName}/{subresource}"));

    private HttpMessageInvoker CreateInvoker()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions =
            {
                ClientCertificates = new X509CertificateCollection { fixture.Client },
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { fixture.Authority },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpMessageInvoker(handler);
    }
}
