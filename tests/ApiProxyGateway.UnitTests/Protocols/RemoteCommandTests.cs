using System.Net.WebSockets;
using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Protocols;

public sealed class RemoteCommandTests
{
    private static readonly RemoteCommandOptions AllStreams = new() { Stdin = true, Stdout = true, Stderr = true };

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV5, 3, null)]
    [InlineData(StreamProtocols.RemoteCommandV4, 3, null)]
    [InlineData(StreamProtocols.RemoteCommandV3, null, "command terminated with non-zero exit code: exit status 3")]
    [InlineData(StreamProtocols.RemoteCommandV1, null, "command terminated with non-zero exit code: exit status 3")]
    public async Task Spdy_EchoCommandExitingThree_ClientSeesOutputAndVersionSpecificResult(string protocol, int? exitCode, string? error)
    {
        var ct = TestWait.Timeout();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var clientSession = SpdySession.CreateClient(a);
        await using var serverSession = SpdySession.CreateServer(b);
        var accepting = RemoteCommandServer.AcceptSpdyAsync(serverSession, protocol, AllStreams, TimeSpan.FromSeconds(10), cancellationToken: ct);

        await using var client = await RemoteCommandClient.StartSpdyAsync(clientSession, protocol, AllStreams, ct);
        await using var server = await accepting;
        var result = await RunEchoAsync(client, server, exitCode: 3, ct);

        Assert.Equal(("hello", "oops"), (result.Stdout, result.Stderr));
        Assert.Equal(new RemoteCommandResult(exitCode, error), result.Exit);
    }

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV5)]
    [InlineData(StreamProtocols.RemoteCommandV4)]
    [InlineData(StreamProtocols.RemoteCommandBase64V4)]
    public async Task WebSocket_EchoCommandExitingThree_ClientSeesOutputAndExitCode(string protocol)
    {
        var ct = TestWait.Timeout();
        var (clientSocket, serverSocket) = CreateWebSocketPair();
        var accepting = RemoteCommandServer.AcceptWebSocketAsync(serverSocket, protocol, AllStreams, ct);

        await using var client = RemoteCommandClient.StartWebSocket(clientSocket, protocol, AllStreams);
        await using var server = await accepting;
        var result = await RunEchoAsync(client, server, exitCode: 3, ct);

        Assert.Equal(("hello", "oops"), (result.Stdout, result.Stderr));
        Assert.Equal(new RemoteCommandResult(3, null), result.Exit);
    }

    [Fact]
    public async Task WebSocket_V5CloseSignal_EndsTheServersStdin()
    {
        var ct = TestWait.Timeout();
        var (clientSocket, serverSocket) = CreateWebSocketPair();
        var options = new RemoteCommandOptions { Stdin = true, Stdout = true };
        var accepting = RemoteCommandServer.AcceptWebSocketAsync(serverSocket, StreamProtocols.RemoteCommandV5, options, ct);
        await using var client = RemoteCommandClient.StartWebSocket(clientSocket, StreamProtocols.RemoteCommandV5, options);
        await using var server = await accepting;

        await client.Stdin!.WriteAsync("abc"u8.ToArray(), ct);
        await client.CloseStdinAsync(ct);
        var stdin = await SpdySessionTests.ReadAllAsync(server.Stdin!, ct);

        Assert.Equal("abc"u8.ToArray(), stdin);
    }

    /// <summary>
    /// A client that drops its connection without a close frame (kubectl exec -it killed, a network cut) ends the
    /// command; it must not make ending it fail too, which in the gateway escaped as an unhandled error: the resize
    /// channel reads the same broken WebSocket and only stops resizing.
    /// </summary>
    [Fact]
    public async Task WebSocket_ClientGoneWithoutClosing_ServerEndsQuietly()
    {
        var ct = TestWait.Timeout();
        var (clientEnd, serverEnd) = DuplexPipeStream.CreatePair();
        using var serverSocket = WebSocket.CreateFromStream(serverEnd, new WebSocketCreationOptions { IsServer = true });
        var options = new RemoteCommandOptions { Stdin = true, Stdout = true, Tty = true };
        var server = await RemoteCommandServer.AcceptWebSocketAsync(serverSocket, StreamProtocols.RemoteCommandV5, options, ct);

        await clientEnd.Output.CompleteAsync();
        await TestWait.UntilAsync(() => server.ConnectionFailed.IsCancellationRequested, "the server sees the client's connection fail");
        var ending = await Record.ExceptionAsync(() => server.DisposeAsync().AsTask());

        Assert.IsType<WebSocketException>(server.ConnectionError);
        Assert.Null(ending);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resize_WithTty_ReachesTheServerAsTerminalSizes(bool webSocket)
    {
        var ct = TestWait.Timeout();
        var options = new RemoteCommandOptions { Stdin = true, Stdout = true, Stderr = true, Tty = true };
        var (client, server, transports) = webSocket ? await StartWebSocketAsync(options, ct) : await StartSpdyAsync(options, ct);
        await using (transports)
        await using (client)
        await using (server)
        {
            await client.ResizeAsync(new TerminalSize(80, 24), ct);
            await client.ResizeAsync(new TerminalSize(132, 50), ct);

            Assert.Equal(new TerminalSize(80, 24), await server.Resizes.ReadAsync(ct));
            Assert.Equal(new TerminalSize(132, 50), await server.Resizes.ReadAsync(ct));
            Assert.Null(server.Stderr);
        }
    }

    [Fact]
    public async Task AcceptSpdy_ClientNeverOpensStdin_TimesOutLikeTheKubelet()
    {
        var ct = TestWait.Timeout();
        var time = new FakeTimeProvider();
        var (a, b) = DuplexPipeStream.CreatePair();
        await using var clientSession = SpdySession.CreateClient(a);
        await using var serverSession = SpdySession.CreateServer(b);

        var accepting = RemoteCommandServer.AcceptSpdyAsync(serverSession, StreamProtocols.RemoteCommandV4, AllStreams, TimeSpan.FromSeconds(30), time, ct);
        await clientSession.OpenStreamAsync(new SpdyHeaders { { "streamType", "error" } }, cancellationToken: ct);
        time.Advance(TimeSpan.FromSeconds(31));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => accepting);
        Assert.Contains("stdin", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForExit_ErrorStreamOverTheStatusLimit_FailsNamingTheLimit()
    {
        var ct = TestWait.Timeout();
        var (client, server, sessions) = await StartSpdyAsync(new RemoteCommandOptions { Stdout = true }, ct);
        await using (sessions)
        {
            await using (server)
            {
                await using (client)
                {
                    var failing = server.FailAsync(new string('x', RemoteCommandClient.MaxStatusLength), ct);

                    var error = await Assert.ThrowsAsync<IOException>(() => client.WaitForExitAsync(ct));

                    Assert.Contains("status limit of 1048576 bytes", error.Message, StringComparison.Ordinal);
                    _ = failing.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }
            }
        }
    }

    private static async Task<(string Stdout, string Stderr, RemoteCommandResult Exit)> RunEchoAsync(
        RemoteCommandClient client, RemoteCommandServer server, int exitCode, CancellationToken ct)
    {
        var serving = Task.Run(async () =>
        {
            var buffer = new byte[5];
            await server.Stdin!.ReadExactlyAsync(buffer, ct);
            await server.Stdout!.WriteAsync(buffer, ct);
            await server.Stderr!.WriteAsync("oops"u8.ToArray(), ct);
            await server.CompleteAsync(exitCode, ct);
        }, ct);
        await client.Stdin!.WriteAsync("hello"u8.ToArray(), ct);
        var stdout = SpdySessionTests.ReadAllAsync(client.Stdout!, ct);
        var stderr = SpdySessionTests.ReadAllAsync(client.Stderr!, ct);
        var exit = await client.WaitForExitAsync(ct);
        await serving;
        return (Encoding.ASCII.GetString(await stdout), Encoding.ASCII.GetString(await stderr), exit);
    }

    private static (WebSocket Client, WebSocket Server) CreateWebSocketPair()
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        return (WebSocket.CreateFromStream(a, new WebSocketCreationOptions { IsServer = false }), WebSocket.CreateFromStream(b, new WebSocketCreationOptions { IsServer = true }));
    }

    private static async Task<(RemoteCommandClient, RemoteCommandServer, IAsyncDisposable)> StartSpdyAsync(RemoteCommandOptions options, CancellationToken ct)
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        var clientSession = SpdySession.CreateClient(a);
        var serverSession = SpdySession.CreateServer(b);
        var accepting = RemoteCommandServer.AcceptSpdyAsync(serverSession, StreamProtocols.RemoteCommandV4, options, TimeSpan.FromSeconds(10), cancellationToken: ct);
        var client = await RemoteCommandClient.StartSpdyAsync(clientSession, StreamProtocols.RemoteCommandV4, options, ct);
        return (client, await accepting, new Disposables(clientSession, serverSession));
    }

    private static async Task<(RemoteCommandClient, RemoteCommandServer, IAsyncDisposable)> StartWebSocketAsync(RemoteCommandOptions options, CancellationToken ct)
    {
        var (clientSocket, serverSocket) = CreateWebSocketPair();
        var accepting = RemoteCommandServer.AcceptWebSocketAsync(serverSocket, StreamProtocols.RemoteCommandV5, options, ct);
        var client = RemoteCommandClient.StartWebSocket(clientSocket, StreamProtocols.RemoteCommandV5, options);
        return (client, await accepting, new Disposables());
    }

    private sealed class Disposables(params IAsyncDisposable[] items) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var item in items)
            {
                await item.DisposeAsync();
            }
        }
    }
}
