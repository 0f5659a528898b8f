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
    /// that never answers holds neither the stream nor its connection longer than that. Told on a fake clock, moved only
    /// once the grace has started: the pump is still open 1 ms before the grace ends and ends at once when it does (a
    /// timer on the machine's clock would not fire for seconds after the fake clock has passed it).
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
        var clock = new GraceClock();
        var pumping = WebSocketMessagePump.RunAsync(fromClient, toKubelet, TimeSpan.FromHours(1), clock, ct, () => Task.FromResult(false));

        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
        var relayed = await kubelet.ReceiveAsync(new byte[16], ct); // the kubelet reads the close and never answers
        await clock.GraceStarted.WaitAsync(ct);

        clock.Advance(WebSocketMessagePump.CloseGrace - TimeSpan.FromMilliseconds(1));
        Assert.False(pumping.IsCompleted, "the kubelet was cut before its close grace was over");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await pumping.WaitAsync(TimeSpan.FromSeconds(4), ct);

        Assert.Equal(WebSocketMessageType.Close, relayed.MessageType);
        Assert.Equal("done", kubelet.CloseStatusDescription);
        Assert.Equal("client", result.EndedBy);
        Assert.Equal(WebSocketState.Aborted, toKubelet.State);
    }

    /// <summary>A fake clock that says when one of its timers has been set to the close grace (armed first, then told).</summary>
    private sealed class GraceClock : FakeTimeProvider
    {
        private readonly TaskCompletionSource _graceStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task GraceStarted => _graceStarted.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new TellingTimer(base.CreateTimer(callback, state, dueTime, period), this);

        private sealed class TellingTimer(ITimer inner, GraceClock clock) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                var changed = inner.Change(dueTime, period);
                if (dueTime == WebSocketMessagePump.CloseGrace)
                {
                    clock._graceStarted.TrySetResult();
                }

                return changed;
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
