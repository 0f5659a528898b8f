using System.Net.WebSockets;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.Tests.Support;
using ApiProxyGateway.UnitTests.Protocols;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class DuplexPumpTests
{
    /// <summary>
    /// kubectl's WebSocket port-forward tunnel ends with the client's close frame: the pump's wait for data then returns,
    /// and the stream it waited on is no longer readable (a WebSocketStream refuses reads once the close has arrived),
    /// which is the end of that direction, not an error that escapes the relay.
    /// </summary>
    [Fact]
    public async Task Run_ClientClosesItsWebSocket_EndsAsTheClientsDoing()
    {
        var ct = TestWait.Timeout();
        var (clientEnd, gatewayEnd) = DuplexPipeStream.CreatePair();
        using var client = WebSocket.CreateFromStream(clientEnd, new WebSocketCreationOptions { IsServer = false });
        using var gateway = WebSocket.CreateFromStream(gatewayEnd, new WebSocketCreationOptions { IsServer = true });
        await using var fromClient = WebSocketStream.Create(gateway, WebSocketMessageType.Binary, ownsWebSocket: false);
        var (upstream, kubelet) = DuplexPipeStream.CreatePair();
        await using (kubelet)
        {
            var pumping = DuplexPump.RunAsync(fromClient, upstream, TimeSpan.FromMinutes(1), TimeProvider.System, ct);
            await client.SendAsync("spdy bytes"u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, ct);
            var relayed = new byte[10];
            await kubelet.ReadExactlyAsync(relayed, ct);

            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            var result = await pumping.WaitAsync(ct);

            Assert.Equal("spdy bytes"u8.ToArray(), relayed);
            Assert.Equal("client", result.EndedBy);
            Assert.Equal(10, result.BytesFromClient);
        }
    }
}
