using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Protocols.Spdy;
using ApiProxyGateway.Tests.Support;

namespace ApiProxyGateway.UnitTests.Protocols;

/// <summary>
/// The farewell bytes read back the way a client reads them: the WebSocket ones by .NET's own client WebSocket, the
/// SPDY ones by the SPDY reader, so that a framing mistake shows up as the client would see it.
/// </summary>
public sealed class StreamFarewellTests
{
    private const string Reason = "pods \"shell\" is forbidden: User \"ann\" cannot create resource \"pods/exec\"";

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV5)]
    [InlineData(StreamProtocols.RemoteCommandV4)]
    public async Task WebSocket_RemoteCommandV4OrV5_SendsAFailureStatusOnTheErrorChannelThenANormalClose(string protocol)
    {
        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(Reason, protocol, portForward: false, ports: 0, closeOnly: false));

        var message = Assert.Single(read.Messages);
        Assert.Equal(WebSocketMessageType.Binary, message.Type);
        Assert.Equal(3, message.Data[0]);
        AssertFailureStatus(message.Data.AsSpan(1));
        Assert.Equal((WebSocketCloseStatus.NormalClosure, Reason), (read.CloseStatus, read.CloseReason));
    }

    [Fact]
    public async Task WebSocket_RemoteCommandV4Base64_SendsTheStatusAsBase64TextOnChannelThree()
    {
        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(Reason, StreamProtocols.RemoteCommandBase64V4, portForward: false, ports: 0, closeOnly: false));

        var message = Assert.Single(read.Messages);
        Assert.Equal(WebSocketMessageType.Text, message.Type);
        Assert.Equal((byte)'3', message.Data[0]);
        AssertFailureStatus(Convert.FromBase64String(Encoding.ASCII.GetString(message.Data.AsSpan(1))));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, read.CloseStatus);
    }

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV1, WebSocketMessageType.Binary)]
    [InlineData(StreamProtocols.RemoteCommandBase64V1, WebSocketMessageType.Text)]
    [InlineData("", WebSocketMessageType.Binary)]
    public async Task WebSocket_RemoteCommandV1_SendsThePlainReasonOnChannelThree(string protocol, WebSocketMessageType type)
    {
        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(Reason, protocol, portForward: false, ports: 0, closeOnly: false));

        var message = Assert.Single(read.Messages);
        Assert.Equal(type, message.Type);
        var decoded = ChannelFraming.Decode(message.Data, StreamProtocols.IsBase64(protocol), closeSignals: false);
        Assert.Equal(3, decoded!.Value.Channel);
        Assert.Equal(Reason, Encoding.UTF8.GetString(decoded.Value.Data.Span));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, read.CloseStatus);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("", 3)]
    [InlineData(StreamProtocols.RemoteCommandV4, 2)]
    public async Task WebSocket_PortForward_SendsTheReasonOnEveryPortsErrorChannel(string protocol, int ports)
    {
        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(Reason, protocol, portForward: true, ports, closeOnly: false));

        Assert.Equal(Enumerable.Range(0, ports).Select(p => (byte)((2 * p) + 1)), read.Messages.Select(m => m.Data[0]));
        Assert.All(read.Messages, m => Assert.Equal((WebSocketMessageType.Binary, Reason), (m.Type, Encoding.UTF8.GetString(m.Data.AsSpan(1)))));
        Assert.Equal((WebSocketCloseStatus.NormalClosure, Reason), (read.CloseStatus, read.CloseReason));
    }

    [Fact]
    public async Task WebSocket_PortForwardBase64_NamesOnlySingleDigitErrorChannels()
    {
        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(Reason, StreamProtocols.RemoteCommandBase64V4, portForward: true, ports: 8, closeOnly: false));

        Assert.Equal("13579", string.Concat(read.Messages.Select(m => (char)m.Data[0])));
        Assert.All(read.Messages, m => Assert.Equal(Reason, Encoding.UTF8.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(m.Data.AsSpan(1))))));
    }

    [Fact]
    public async Task WebSocket_PortForwardWithMorePortsThanChannels_StopsBeforeTheCloseSignalChannel()
    {
        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(Reason, "", portForward: true, ports: 1000, closeOnly: false));

        Assert.Equal(127, read.Messages.Count);
        Assert.Equal(253, read.Messages[^1].Data[0]);
    }

    /// <summary>Inside a fragmented message (close only), or with no error channel in the protocol, the close is the only place for the reason.</summary>
    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV5, false, 0, true)]
    [InlineData("", true, 2, true)]
    [InlineData("x.example.com", false, 0, false)]
    [InlineData("SPDY/3.1+portforward.k8s.io", true, 1, false)]
    [InlineData(StreamProtocols.RemoteCommandV5, true, 1, false)]
    [InlineData("", true, 0, false)]
    public async Task WebSocket_CloseOnlyOrNoErrorChannel_SendsOnlyAPolicyViolationClose(string protocol, bool portForward, int ports, bool closeOnly)
    {
        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(Reason, protocol, portForward, ports, closeOnly));

        Assert.Empty(read.Messages);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, Reason), (read.CloseStatus, read.CloseReason));
    }

    [Theory]
    [InlineData("é")]
    [InlineData("€")]
    [InlineData("😀")]
    [InlineData("a😀")]
    public async Task WebSocket_LongReason_IsCutTo123BytesOnTheCloseButWholeOnTheErrorChannel(string repeated)
    {
        var message = "x" + string.Concat(Enumerable.Repeat(repeated, 100));

        var read = await ReadAsClientAsync(StreamFarewell.WebSocket(message, StreamProtocols.RemoteCommandV5, portForward: false, ports: 0, closeOnly: false));

        AssertFailureStatus(read.Messages.Single().Data.AsSpan(1), message);
        var cut = read.CloseReason!;
        Assert.InRange(Encoding.UTF8.GetByteCount(cut), StreamFarewell.MaxCloseReasonBytes - 3, StreamFarewell.MaxCloseReasonBytes);
        Assert.EndsWith("...", cut, StringComparison.Ordinal);
        Assert.StartsWith(cut[..^3], message, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(cut[^4]), "the cut split a character");
    }

    [Fact]
    public void CloseReason_ExactlyTheLimit_IsKeptWhole()
    {
        var message = new string('x', StreamFarewell.MaxCloseReasonBytes);

        Assert.Same(message, StreamFarewell.CloseReason(message));
        Assert.Equal(new string('x', 120) + "...", StreamFarewell.CloseReason(message + "x"));
    }

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV5)]
    [InlineData(StreamProtocols.RemoteCommandV4)]
    public void Spdy_RemoteCommandV4OrV5_SendsOneFailureStatusWithFinOnEachErrorStream(string protocol)
    {
        var frames = SpdyFrameText.Decode(StreamFarewell.Spdy(Reason, protocol, [1u, 7u]), []);

        Assert.Equal([(1u, true), (7u, true)], frames.Cast<SpdyDataFrame>().Select(d => (d.StreamId, d.Fin)));
        Assert.All(frames.Cast<SpdyDataFrame>(), d => AssertFailureStatus(d.Data.Span));
        Assert.Equal(Reason, ExecStatusCodec.Decode(((SpdyDataFrame)frames[0]).Data.Span, 4).Error);
    }

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV3)]
    [InlineData(StreamProtocols.RemoteCommandV2)]
    [InlineData(StreamProtocols.RemoteCommandV1)]
    [InlineData(StreamProtocols.PortForwardV1)]
    public void Spdy_OlderRemoteCommandOrPortForward_SendsThePlainReasonWithFinOnEachErrorStream(string protocol)
    {
        var frames = SpdyFrameText.Decode(StreamFarewell.Spdy(Reason, protocol, [3u, 5u, 9u]), []);

        Assert.Equal(
            [$"DATA 3 fin=True {Hex(Reason)}", $"DATA 5 fin=True {Hex(Reason)}", $"DATA 9 fin=True {Hex(Reason)}"],
            frames.Select(SpdyFrameText.Describe));
    }

    [Fact]
    public void Spdy_OtherStreams_EndEachWithAnEmptyFinAfterTheErrorStreams()
    {
        var frames = SpdyFrameText.Decode(StreamFarewell.Spdy(Reason, StreamProtocols.PortForwardV1, [3u], [1u, 5u]), []);

        Assert.Equal(
            [$"DATA 3 fin=True {Hex(Reason)}", "DATA 1 fin=True ", "DATA 5 fin=True "],
            frames.Select(SpdyFrameText.Describe));
    }

    [Fact]
    public void Spdy_NoErrorStreams_IsNothing()
    {
        Assert.Empty(StreamFarewell.Spdy(Reason, StreamProtocols.RemoteCommandV4, []));
    }

    private static string Hex(string text) => Convert.ToHexString(Encoding.UTF8.GetBytes(text));

    private static void AssertFailureStatus(ReadOnlySpan<byte> json, string message = Reason)
    {
        using var status = JsonDocument.Parse(json.ToArray());
        Assert.Equal("Failure", status.RootElement.GetProperty("status").GetString());
        Assert.Equal(message, status.RootElement.GetProperty("message").GetString());
    }

    /// <summary>Every message up to the close, and the close, as .NET's client WebSocket reads them from these server bytes.</summary>
    private static async Task<ClientRead> ReadAsClientAsync(byte[] serverBytes)
    {
        var ct = TestWait.Timeout();
        var (clientEnd, serverEnd) = DuplexPipeStream.CreatePair();
        await serverEnd.Output.WriteAsync(serverBytes, ct);
        await serverEnd.Output.CompleteAsync();
        using var socket = WebSocket.CreateFromStream(clientEnd, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var messages = new List<(WebSocketMessageType, byte[])>();
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Assert.Equal(0, message.Length);
                return new ClientRead(messages, socket.CloseStatus, socket.CloseStatusDescription);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                messages.Add((result.MessageType, message.ToArray()));
                message.SetLength(0);
            }
        }
    }

    private sealed record ClientRead(List<(WebSocketMessageType Type, byte[] Data)> Messages, WebSocketCloseStatus? CloseStatus, string? CloseReason);
}
