using System.Net.WebSockets;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>A channel message that breaks the protocol closes the WebSocket with a status and a reason that say why.</summary>
public sealed class ChannelWebSocketLimitTests
{
    [Fact]
    public async Task Receive_MessageOneByteOverTheKubernetesLimit_ClosesWith1009NamingTheLimit()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var (server, peer) = Connect();
        using var channels = new ChannelWebSocket(server, StreamProtocols.RemoteCommandV5);
        var message = new byte[ChannelWebSocket.DefaultMaxMessageSize + 1];

        var receiving = channels.ReceiveAsync(ct);
        await peer.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, ct);
        var error = await Assert.ThrowsAsync<ChannelProtocolException>(() => receiving);
        var close = await peer.ReceiveAsync(new byte[16], ct);

        Assert.Equal(32 << 20, ChannelWebSocket.DefaultMaxMessageSize);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, error.CloseStatus);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, peer.CloseStatus);
        Assert.Equal("message larger than the channel protocol limit of 33554432 bytes", peer.CloseStatusDescription);
    }

    [Fact]
    public async Task Receive_MessageAtTheLimitInManyFragments_IsDeliveredWhole()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var (server, peer) = Connect();
        using var channels = new ChannelWebSocket(server, StreamProtocols.RemoteCommandV5, maxMessageSize: 100_000);
        var payload = Enumerable.Range(0, 99_999).Select(i => (byte)i).ToArray();

        var receiving = channels.ReceiveAsync(ct);
        for (var offset = 0; offset < payload.Length + 1; offset += 7000)
        {
            var fragment = offset == 0 ? [ChannelWebSocket.Stdin, .. payload[..6999]] : payload[(offset - 1)..Math.Min(offset + 6999, payload.Length)];
            await peer.SendAsync(fragment, WebSocketMessageType.Binary, endOfMessage: offset + 7000 >= payload.Length + 1, ct);
        }

        var message = await receiving;

        Assert.Equal(ChannelWebSocket.Stdin, message!.Value.Channel);
        Assert.Equal(payload, message.Value.Data.ToArray());
    }

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandBase64V4, WebSocketMessageType.Text, "0not*base64", WebSocketCloseStatus.InvalidPayloadData)]
    [InlineData(StreamProtocols.RemoteCommandV5, WebSocketMessageType.Binary, "\u00FF\u0000\u0000", WebSocketCloseStatus.ProtocolError)]
    public async Task Receive_MessageBreakingTheProtocol_ClosesWithTheMatchingStatusAndReason(string protocol, WebSocketMessageType type, string text, WebSocketCloseStatus expected)
    {
        var ct = TestWait.Timeout();
        var (server, peer) = Connect();
        using var channels = new ChannelWebSocket(server, protocol);

        var receiving = channels.ReceiveAsync(ct);
        await peer.SendAsync(System.Text.Encoding.Latin1.GetBytes(text), type, endOfMessage: true, ct);
        var error = await Assert.ThrowsAsync<ChannelProtocolException>(() => receiving);
        await peer.ReceiveAsync(new byte[16], ct);

        Assert.Equal(expected, peer.CloseStatus);
        Assert.Equal(error.Message, peer.CloseStatusDescription);
    }

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV5)]
    [InlineData(StreamProtocols.RemoteCommandV4)]
    [InlineData(StreamProtocols.RemoteCommandV1)]
    public async Task Receive_TextMessageOnABinaryProtocol_IsReadAsBinary(string protocol)
    {
        // The Python client's write_stdin("text\n") sends a text frame; Kubernetes reads the bytes whatever the frame type.
        var ct = TestWait.Timeout();
        var (server, peer) = Connect();
        using var channels = new ChannelWebSocket(server, protocol);

        var receiving = channels.ReceiveAsync(ct);
        await peer.SendAsync("\u0000text\n"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, ct);
        var message = await receiving;

        Assert.Equal(ChannelWebSocket.Stdin, message!.Value.Channel);
        Assert.Equal("text\n"u8.ToArray(), message.Value.Data.ToArray());
    }

    [Fact]
    public async Task RemoteCommandServer_ClientSendsAnOversizedMessage_ReportsTheFailureAndEndsStdin()
    {
        var ct = TestWait.Timeout(TestWait.OperationTimeout);
        var (server, peer) = Connect();
        await using var command = await RemoteCommandServer.AcceptWebSocketAsync(server, StreamProtocols.RemoteCommandV5, new RemoteCommandOptions { Stdin = true, Stdout = true }, ct);
        var message = new byte[ChannelWebSocket.DefaultMaxMessageSize + 1];

        await peer.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, ct);
        var failed = new TaskCompletionSource();
        using (command.ConnectionFailed.Register(() => failed.TrySetResult()))
        {
            await failed.Task.WaitAsync(ct);
        }

        var stdinRead = await Assert.ThrowsAsync<ChannelProtocolException>(() => command.Stdin!.ReadAsync(new byte[1], ct).AsTask());

        Assert.IsType<ChannelProtocolException>(command.ConnectionError);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, stdinRead.CloseStatus);
    }

    private static (WebSocket Server, WebSocket Peer) Connect()
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        return (WebSocket.CreateFromStream(a, new WebSocketCreationOptions { IsServer = true }), WebSocket.CreateFromStream(b, new WebSocketCreationOptions { IsServer = false }));
    }
}
