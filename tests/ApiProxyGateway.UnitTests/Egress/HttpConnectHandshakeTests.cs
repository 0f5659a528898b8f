using System.Text;
using ApiProxyGateway.Egress;
using ApiProxyGateway.UnitTests.Protocols;

namespace ApiProxyGateway.UnitTests.Egress;

public sealed class HttpConnectHandshakeTests
{
    private const string Proxy = "the Konnectivity server (HTTPConnect over unix:/run/k.sock)";

    [Fact]
    public async Task Run_200_SendsOneConnectRequestAndLeavesTheConnectionAtTheTunnel()
    {
        var (connection, proxy) = await AnsweringAsync("HTTP/1.1 200 Connection Established\r\n\r\n");
        await using (proxy)
        await using (connection)
        {
            await RunAsync(connection, "10.0.0.5:10250");
            await connection.DisposeAsync();

            using var sent = new StreamReader(proxy, Encoding.ASCII);
            Assert.Equal("CONNECT 10.0.0.5:10250 HTTP/1.1\r\nHost: 10.0.0.5:10250\r\n\r\n", await sent.ReadToEndAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Run_200WithHeaders_IsATunnel()
    {
        await using var connection = await ConnectionAnsweringAsync("HTTP/1.0 200 OK\r\nProxy-Agent: test\r\nContent-Length: 0\r\n\r\n");

        await RunAsync(connection, "[fd00::5]:10250");
    }

    [Theory]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nno route\r\n", "Unavailable", "503 Service Unavailable: no route")]
    [InlineData("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\ncurrently no tunnels available: No agent available", "NoAgent", "500 Internal Server Error: currently no tunnels available: No agent available")]
    [InlineData("HTTP/1.1 504 Gateway Timeout\r\n\r\ntimed out waiting for backend dial", "TimedOut", "504 Gateway Timeout: timed out waiting for backend dial")]
    [InlineData("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 13\r\n\r\nbackend error and more", "Refused", "502 Bad Gateway: backend error")]
    [InlineData("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", "Refused", "407 Proxy Authentication Required")]
    [InlineData("HTTP/1.1 500 Internal\u0007Error\r\n\r\nline one\r\nline\ttwo\u0000", "Refused", "500 Internal Error: line one line two")]
    public async Task Run_AnythingBut200_FailsWithTheStatusReasonAndExplanation(string answer, string expectedFailure, string expected)
    {
        await using var connection = await ConnectionAnsweringAsync(answer);

        var failure = await Assert.ThrowsAsync<EgressException>(() => RunAsync(connection, "10.0.0.5:10250"));

        Assert.Equal(expectedFailure, failure.Failure.ToString());
        Assert.Equal($"{Proxy} refused CONNECT 10.0.0.5:10250: {expected}", failure.Message);
    }

    [Fact]
    public async Task Run_BytesAfterThe200_AreRefusedAsKubeApiserverRefusesThem()
    {
        await using var connection = await ConnectionAnsweringAsync("HTTP/1.1 200 OK\r\n\r\nSSH-2.0");

        var failure = await Assert.ThrowsAsync<EgressException>(() => RunAsync(connection, "10.0.0.5:10250"));

        Assert.Equal($"{Proxy} sent 7 unexpected bytes after its 200 answer to CONNECT 10.0.0.5:10250", failure.Message);
    }

    [Fact]
    public async Task Run_ResponseHeadOverTheLimit_IsRefused()
    {
        await using var connection = await ConnectionAnsweringAsync("HTTP/1.1 200 OK\r\nX-Padding: " + new string('a', HttpConnectHandshake.MaxResponseHeadBytes) + "\r\n\r\n");

        var failure = await Assert.ThrowsAsync<EgressException>(() => RunAsync(connection, "10.0.0.5:10250"));

        Assert.Equal($"{Proxy} answered CONNECT 10.0.0.5:10250 with a response head over 16384 bytes", failure.Message);
    }

    [Fact]
    public async Task Run_NotHttp_IsRefused()
    {
        await using var connection = await ConnectionAnsweringAsync("SSH-2.0-OpenSSH_9.6\r\n\r\n");

        var failure = await Assert.ThrowsAsync<EgressException>(() => RunAsync(connection, "10.0.0.5:10250"));

        Assert.Equal($"{Proxy} answered CONNECT 10.0.0.5:10250 with something other than HTTP: \"SSH-2.0-OpenSSH_9.6\"", failure.Message);
    }

    [Fact]
    public async Task Run_ClosedWithoutAnswer_IsUnavailable()
    {
        await using var connection = await ConnectionAnsweringAsync("HTTP/1.1 200");

        var failure = await Assert.ThrowsAsync<EgressException>(() => RunAsync(connection, "10.0.0.5:10250"));

        Assert.Equal(EgressFailure.Unavailable, failure.Failure);
        Assert.Equal($"{Proxy} closed the connection without answering CONNECT 10.0.0.5:10250", failure.Message);
    }

    /// <summary>An in-memory connection whose proxy end has already answered <paramref name="answer"/> and hung up.</summary>
    private static async Task<(Stream Connection, Stream Proxy)> AnsweringAsync(string answer)
    {
        var (connection, proxy) = DuplexPipeStream.CreatePair();
        await proxy.WriteAsync(Encoding.Latin1.GetBytes(answer), TestContext.Current.CancellationToken);
        await proxy.Output.CompleteAsync();
        return (connection, proxy);
    }

    private static async Task<Stream> ConnectionAnsweringAsync(string answer) => (await AnsweringAsync(answer)).Connection;

    private static Task RunAsync(Stream connection, string authority) =>
        HttpConnectHandshake.RunAsync(connection, authority, Proxy, TimeProvider.System, TestContext.Current.CancellationToken);
}
