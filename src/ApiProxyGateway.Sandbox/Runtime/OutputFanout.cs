using System.Threading.Channels;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// Copies a container's live output to whoever is attached. A slow attacher loses its oldest chunks rather than
/// stalling the container (a real runtime would block; the sandbox prefers never to stall its log).
/// </summary>
internal sealed class OutputFanout
{
    private readonly Lock _lock = new();
    private readonly List<Channel<(string Stream, ReadOnlyMemory<byte> Data)>> _subscribers = [];
    private bool _complete;

    public ChannelReader<(string Stream, ReadOnlyMemory<byte> Data)> Subscribe()
    {
        var channel = Channel.CreateBounded<(string, ReadOnlyMemory<byte>)>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            if (_complete)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(channel);
            }
        }

        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<(string Stream, ReadOnlyMemory<byte> Data)> reader)
    {
        lock (_lock)
        {
            _subscribers.RemoveAll(c => c.Reader == reader);
        }
    }

    public void Publish(string stream, ReadOnlyMemory<byte> data)
    {
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite((stream, data));
            }
        }
    }

    public void Complete()
    {
        lock (_lock)
        {
            _complete = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }
}
