using System.IO.Pipelines;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// Feeds incoming channel messages into one pipe per channel. Awaiting a full pipe stops reading the
/// WebSocket, which is the only backpressure these protocols have. A close signal ends its channel; the end
/// of the WebSocket ends them all (with an error if it ended abnormally), and <see cref="RunAsync"/> returns
/// that error (a <see cref="ChannelProtocolException"/> if the peer broke the protocol), or null on a clean close
/// or when our side stopped it.
/// </summary>
internal sealed class ChannelDemultiplexer(ChannelWebSocket socket, IReadOnlyDictionary<byte, Pipe> channels)
{
    public static Pipe CreatePipe() => new(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));

    public async Task<Exception?> RunAsync(CancellationToken cancellationToken)
    {
        var open = channels.Keys.ToHashSet();
        Exception? error = null;
        try
        {
            while (await socket.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                if (!open.Contains(message.Channel))
                {
                    continue;
                }

                var writer = channels[message.Channel].Writer;
                if (message.IsCloseSignal)
                {
                    open.Remove(message.Channel);
                    await writer.CompleteAsync().ConfigureAwait(false);
                }
                else if (!message.Data.IsEmpty && (await writer.WriteAsync(message.Data, cancellationToken).ConfigureAwait(false)).IsCompleted)
                {
                    // Nobody reads this channel any more; drop what arrives for it.
                    open.Remove(message.Channel);
                }
            }
        }
        catch (Exception ex)
        {
            error = ex is OperationCanceledException ? new IOException("The channel connection was abandoned.", ex) : ex;
        }

        foreach (var channel in open)
        {
            await channels[channel].Writer.CompleteAsync(error).ConfigureAwait(false);
        }

        // Being stopped by our own side is how a finished connection ends, not a failure of the peer's.
        return cancellationToken.IsCancellationRequested ? null : error;
    }
}
