using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Streaming;

namespace ApiProxyGateway.UnitTests.Gateway;

/// <summary>The gateway adds frames of its own to a relayed WebSocket only between the kubelet's, and never after its close.</summary>
public sealed class WebSocketFrameTrackerTests
{
    [Fact]
    public async Task WriteAsync_FramesInPieces_KnowsWhenAFrameIsWhole()
    {
        using var client = new MemoryStream();
        await using var tracker = new WebSocketFrameTracker(client);
        var frame = WebSocketFrameTracker.Frame(0x2, new byte[300]); // a 16-bit length
        var token = TestContext.Current.CancellationToken;

        Assert.True(tracker.AtBoundary);
        await tracker.WriteAsync(frame.AsMemory(0, 3), token);
        Assert.False(tracker.AtBoundary);
        await tracker.WriteAsync(frame.AsMemory(3, 200), token);
        Assert.False(tracker.AtBoundary);
        await tracker.WriteAsync(frame.AsMemory(203), token);
        Assert.True(tracker.AtBoundary);
        Assert.False(tracker.CloseSent);

        await tracker.WriteAsync(WebSocketFrameTracker.Frame(0x8, [0x03, 0xE8]), token);
        Assert.True(tracker.CloseSent);
    }

    [Theory]
    [InlineData(StreamProtocols.RemoteCommandV5, true)]
    [InlineData(StreamProtocols.RemoteCommandV4, true)]
    [InlineData(StreamProtocols.RemoteCommandBase64V4, true)]
    [InlineData(StreamProtocols.RemoteCommandV1, false)]
    [InlineData(StreamProtocols.PortForwardV1, false)]
    public void ErrorChannelFailure_ByProtocol_IsAStatusOnChannel3WhereThereIsOne(string protocol, bool hasStatus)
    {
        var message = ErrorChannel.Failure(protocol, "the gateway is shutting down");

        Assert.Equal(hasStatus, message is not null);
        if (message is var (payload, _))
        {
            Assert.True(payload[0] is 3 or (byte)'3', "channel 3, raw or base64");
            Assert.Contains("the gateway is shutting down", System.Text.Encoding.UTF8.GetString(protocol == StreamProtocols.RemoteCommandBase64V4 ? Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(payload, 1, payload.Length - 1)) : payload), StringComparison.Ordinal);
        }
    }
}
