using System.Threading.Channels;
using ApiProxyGateway.Protocols.Konnectivity;
using Grpc.Core;

namespace ApiProxyGateway.Sandbox.Konnectivity;

/// <summary>
/// The one writer of a packet stream (a gRPC stream allows one write at a time): packets queue up (bounded, so a slow
/// peer slows its senders instead of growing memory) and go out in order. Once a write fails, or the queue is completed,
/// further packets are dropped: the peer is gone.
/// </summary>
internal sealed class PacketQueue
{
    private const int Capacity = 64;

    private readonly Channel<Packet> _packets = Channel.CreateBounded<Packet>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly Task _writer;

    public PacketQueue(Func<Packet, CancellationToken, Task> write, CancellationToken aborted) => _writer = WriteAllAsync(write, aborted);

    public PacketQueue(IAsyncStreamWriter<Packet> stream, CancellationToken aborted)
        : this((packet, cancellationToken) => stream.WriteAsync(packet, cancellationToken), aborted)
    {
    }

    /// <summary>Queues <paramref name="packet"/>; false when the stream is gone (the packet is dropped).</summary>
    public async ValueTask<bool> SendAsync(Packet packet, CancellationToken cancellationToken = default)
    {
        try
        {
            await _packets.Writer.WriteAsync(packet, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Sends what is queued, then stops; waits at most <paramref name="limit"/> for the peer to take it.</summary>
    public async Task CompleteAsync(TimeSpan limit)
    {
        _packets.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            // The peer stopped reading; whoever owns the stream ends it.
        }
    }

    private async Task WriteAllAsync(Func<Packet, CancellationToken, Task> write, CancellationToken aborted)
    {
        try
        {
            await foreach (var packet in _packets.Reader.ReadAllAsync(aborted))
            {
                await write(packet, aborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException or ObjectDisposedException)
        {
            // The stream ended under us (cancelled, reset, already completed): nobody is listening any more.
        }
        finally
        {
            _packets.Writer.TryComplete();
            while (_packets.Reader.TryRead(out _))
            {
            }
        }
    }
}
