using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>The CRI streaming server's legacy WebSocket port-forward, which every kubelet serves (a browser-era protocol).</summary>
public sealed class KubeletWebSocketPortForwardTests(KubeletFixture fixture) : IClassFixture<KubeletFixture>
{
    [Theory]
    [InlineData("portforward.k8s.io")]
    [InlineData("base64.portforward.k8s.io")]
    public async Task PortForward_LegacyWebSocket_ForwardsTheQueryPort(string protocol)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var cancellation = deadline.Token;
        await fixture.WaitForPodAsync("demo", "server", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.Ready == true);
        using var identity = fixture.ApiServerKubeletClient();
        using var invoker = new HttpMessageInvoker(fixture.KubeletHandler(identity));
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        var url = new UriBuilder(fixture.Host.KubeletUrl("legacy")) { Scheme = "wss", Path = "/portForward/demo/server", Query = "port=8080" }.Uri;
        await socket.ConnectAsync(url, invoker, cancellation);
        var base64 = protocol.StartsWith("base64", StringComparison.Ordinal);

        var opening = new[] { await ReceiveAsync(socket, base64, cancellation), await ReceiveAsync(socket, base64, cancellation) };
        await SendAsync(socket, base64, 0, "GET /healthz HTTP/1.1\r\nHost: server\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellation);
        var answer = new StringBuilder();
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var (channel, data) = await ReceiveAsync(socket, base64, cancellation);
            Assert.Equal(0, channel);
            answer.Append(Encoding.ASCII.GetString(data));
        }

        Assert.Equal([(0, 8080), (1, 8080)], opening.Select(m => (m.Channel, (int)BinaryPrimitives.ReadUInt16LittleEndian(m.Data))));
        Assert.StartsWith("HTTP/1.1 200 OK", answer.ToString(), StringComparison.Ordinal);
    }

    private static Task SendAsync(ClientWebSocket socket, bool base64, byte channel, byte[] data, CancellationToken cancellation) => base64
        ? socket.SendAsync(Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data)), WebSocketMessageType.Text, true, cancellation)
        : socket.SendAsync((byte[])[channel, .. data], WebSocketMessageType.Binary, true, cancellation);

    private static async Task<(int Channel, byte[] Data)> ReceiveAsync(ClientWebSocket socket, bool base64, CancellationToken cancellation)
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), cancellation);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        var bytes = message.ToArray();
        return base64 ? (bytes[0] - '0', Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 1, bytes.Length - 1))) : (bytes[0], bytes[1..]);
    }
}
