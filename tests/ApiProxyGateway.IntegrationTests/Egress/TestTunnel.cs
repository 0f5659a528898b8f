using System.Collections.Concurrent;
using System.Threading.Channels;
using ApiProxyGateway.Protocols.Konnectivity;

namespace ApiProxyGateway.IntegrationTests.Egress;

/// <summary>One Proxy stream as the <see cref="TestKonnectivityServer"/> sees it.</summary>
internal sealed class TestTunnel(string connectionId)
{
    private readonly CancellationTokenSource _end = new();

    /// <summary>The HTTP/2 connection the stream came on.</summary>
    public string ConnectionId { get; } = connectionId;

    public ConcurrentQueue<Packet> Received { get; } = new();

    public Channel<Packet> Outbound { get; } = Channel.CreateUnbounded<Packet>();

    /// <summary>Cancelled when the test ends the stream (the service then returns normally: status OK, end of stream).</summary>
    public CancellationToken Ending => _end.Token;

    public long ConnectId { get; set; }

    /// <summary>Set by the service: resetting it resets the stream (RST_STREAM), as a server failing mid-stream would.</summary>
    public Microsoft.AspNetCore.Http.HttpContext? Http { get; set; }

    public void Reset() => Http?.Abort();

    public void Send(Packet packet) => Outbound.Writer.TryWrite(packet);

    public void End() => _end.Cancel();

    /// <summary>Waits until a packet of <paramref name="type"/> has arrived and returns the first.</summary>
    public async Task<Packet> ReceivedAsync(PacketType type)
    {
        await Tests.Support.TestWait.UntilAsync(() => Received.Any(p => p.Type == type), $"the Konnectivity server received {type}");
        return Received.First(p => p.Type == type);
    }
}
