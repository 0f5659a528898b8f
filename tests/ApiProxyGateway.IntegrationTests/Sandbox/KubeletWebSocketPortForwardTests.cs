using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.IntegrationTests.Sandbox;

/// <summary>
/// The CRI streaming server's WebSocket port-forward, which every kubelet serves (pkg/kubelet/cri/streaming/portforward/
/// websocket.go) and the official client libraries use: no sub-protocol, <c>v4.channel.k8s.io</c> or
/// <c>v4.base64.channel.k8s.io</c>, ports from <c>?port=</c>.
/// </summary>
public sealed class KubeletWebSocketPortForwardTests(KubeletFixture fixture) : IClassFixture<KubeletFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("v4.channel.k8s.io")]
    [InlineData("v4.base64.channel.k8s.io")]
    public async Task PortForward_WebSocket_ForwardsTheQueryPortAndClosesWhenThePodDoes(string? protocol)
    {
        var cancellation = TestWait.Timeout(TestWait.OperationTimeout);
        await fixture.WaitForPodAsync("demo", "server", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.Ready == true);
        using var identity = fixture.ApiServerKubeletClient();
        using var invoker = new HttpMessageInvoker(fixture.KubeletHandler(identity));
        using var socket = new ClientWebSocket();
        if (protocol is not null)
        {
            socket.Options.AddSubProtocol(protocol);
        }

        await socket.ConnectAsync(PortForwardUrl("port=8080"), invoker, cancellation);
        var base64 = protocol?.Contains("base64", StringComparison.Ordinal) == true;

        var opening = new[] { await ReceiveAsync(socket, base64, cancellation), await ReceiveAsync(socket, base64, cancellation) };
        await SendAsync(socket, base64, 0, "GET /healthz HTTP/1.1\r\nHost: server\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellation);
        var answer = new StringBuilder();
        while (await ReceiveOrCloseAsync(socket, base64, cancellation) is { } message)
        {
            Assert.Equal(0, message.Channel);
            answer.Append(Encoding.ASCII.GetString(message.Data));
        }

        Assert.Equal(protocol, socket.SubProtocol);
        Assert.Equal([(0, 8080), (1, 8080)], opening.Select(m => (m.Channel, (int)BinaryPrimitives.ReadUInt16LittleEndian(m.Data))));
        Assert.StartsWith("HTTP/1.1 200 OK", answer.ToString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task PortForward_WebSocketWithTwoPorts_OpensAChannelPairForEach()
    {
        var cancellation = TestWait.Timeout(TestWait.OperationTimeout);
        await fixture.WaitForPodAsync("demo", "server", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.Ready == true);
        using var identity = fixture.ApiServerKubeletClient();
        using var invoker = new HttpMessageInvoker(fixture.KubeletHandler(identity));
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");

        await socket.ConnectAsync(PortForwardUrl("port=8080&port=8080"), invoker, cancellation);
        var opening = new List<(int Channel, byte[] Data)>();
        for (var i = 0; i < 4; i++)
        {
            opening.Add(await ReceiveAsync(socket, false, cancellation));
        }

        await SendAsync(socket, false, 2, "GET /healthz HTTP/1.1\r\nHost: server\r\n\r\n"u8.ToArray(), cancellation);
        var (channel, data) = await ReceiveAsync(socket, false, cancellation);

        Assert.Equal([0, 1, 2, 3], opening.Select(m => m.Channel));
        Assert.Equal(2, channel);
        Assert.StartsWith("HTTP/1.1 200 OK", Encoding.ASCII.GetString(data), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("portforward.k8s.io", "port=8080", 403)]
    [InlineData("v5.channel.k8s.io", "port=8080", 403)]
    [InlineData("v4.channel.k8s.io", "", 400)]
    [InlineData("v4.channel.k8s.io", "port=0", 400)]
    [InlineData("v4.channel.k8s.io", "port=80,", 400)]
    public async Task PortForward_WebSocketTheKubeletCannotServe_IsRefusedBeforeTheUpgrade(string protocol, string query, int expected)
    {
        var cancellation = TestWait.Timeout(TestWait.OperationTimeout);
        using var identity = fixture.ApiServerKubeletClient();
        using var invoker = new HttpMessageInvoker(fixture.KubeletHandler(identity));
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(PortForwardUrl(query), invoker, cancellation));

        Assert.Equal(expected, (int)socket.HttpStatusCode);
    }

    private Uri PortForwardUrl(string query) =>
        new UriBuilder(fixture.Host.KubeletUrl("legacy")) { Scheme = "wss", Path = "/portForward/demo/server", Query = query }.Uri;

    private static async Task<(int Channel, byte[] Data)?> ReceiveOrCloseAsync(ClientWebSocket socket, bool base64, CancellationToken cancellation)
    {
        var message = await ReceiveMessageAsync(socket, cancellation);
        return message is null ? null : Decode(message, base64);
    }

    private static async Task<(int Channel, byte[] Data)> ReceiveAsync(ClientWebSocket socket, bool base64, CancellationToken cancellation) =>
        Decode(await ReceiveMessageAsync(socket, cancellation) ?? throw new InvalidOperationException("The kubelet closed the WebSocket."), base64);

    private static Task SendAsync(ClientWebSocket socket, bool base64, byte channel, byte[] data, CancellationToken cancellation) => base64
        ? socket.SendAsync(Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data)), WebSocketMessageType.Text, true, cancellation)
        : socket.SendAsync((byte[])[channel, .. data], WebSocketMessageType.Binary, true, cancellation);

    private static async Task<byte[]?> ReceiveMessageAsync(ClientWebSocket socket, CancellationToken cancellation)
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), cancellation);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return message.ToArray();
    }

    private static (int Channel, byte[] Data) Decode(byte[] bytes, bool base64) =>
        base64 ? (bytes[0] - '0', Convert.FromBase64String(Encoding.ASCII.GetString(bytes, 1, bytes.Length - 1))) : (bytes[0], bytes[1..]);
}
