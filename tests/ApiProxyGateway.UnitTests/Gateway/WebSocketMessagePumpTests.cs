using System.Net.WebSockets;
using ApiProxyGateway.Streaming;
using ApiProxyGateway.UnitTests.Protocols;
using ApiProxyGateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ApiProxyGateway.UnitTests.Gateway;

public sealed class WebSocketMessagePumpTests
{
    /// <summary>
    /// Once one side has closed, the other gets 5 s of the gateway's clock to answer before it is cut, so a kubelet
    /// that never answers holds neither the stream nor its connection longer than that. Told on a fake clock: the
    /// pump is still open 1 ms before the grace ends and ends at once when it does (a timer on the machine's clock
    /// would not fire for seconds after the fake clock has passed it).
    /// </summary>
    [Fact]
    public async Task Run_ClientClosesAndTheKubeletNeverAnswers_CutsTheKubeletWhenTheCloseGraceEndsOnTheGatewaysClock()
    {
        var ct = TestWait.Timeout();
        var (clientConnection, gatewayClientEnd) = DuplexPipeStream.CreatePair();
        var (gatewayKubeletEnd, kubeletConnection) = DuplexPipeStream.CreatePair();
        using var client = WebSocket.CreateFromStream(clientConnection, new WebSocketCreationOptions { IsServer = false });
        using var fromClient = WebSocket.CreateFromStream(gatewayClientEnd, new WebSocketCreationOptions { IsServer = true });
        using var toKubelet = WebSocket.CreateFromStream(gatewayKubeletEnd, new WebSocketCreationOptions { IsServer = false });
        using var kubelet = WebSocket.CreateFromStream(kubeletConnection, new WebSocketCreationOptions { IsServer = true });
        var clock = new FakeTimeProvider();

        // Completed by the test without asynchronous continuations: the pump's next step (starting the grace) runs
        // before SetResult returns, so the clock is only moved once the grace has started.
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var told = new TaskCompletionSource<bool>();
        var pumping = WebSocketMessagePump.RunAsync(fromClient, toKubelet, TimeSpan.FromHours(1), clock, ct, () =>
        {
            asked.SetResult();
            return told.Task;
        });

        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
        var relayed = await kubelet.ReceiveAsync(new byte[16], ct); // the kubelet reads the close and never answers
        await asked.Task.WaitAsync(ct);
        told.SetResult(false);

        clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.False(pumping.IsCompleted, "the kubelet was cut before its close grace was over");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await pumping.WaitAsync(TimeSpan.FromSeconds(4), ct);

        Assert.Equal(WebSocketMessageType.Close, relayed.MessageType);
        Assert.Equal("done", kubelet.CloseStatusDescription);
        Assert.Equal("client", result.EndedBy);
        Assert.Equal(WebSocketState.Aborted, toKubelet.State);
    }
}
