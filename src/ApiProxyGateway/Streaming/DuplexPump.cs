using System.Buffers;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Copies bytes both ways between the client and the upstream until either side finishes, then closes both, as
/// kube-apiserver's upgrade-aware proxy does. A stream with no data in either direction for the idle timeout is
/// closed. Buffers are taken only while data flows: an idle stream holds none (zero-byte reads).
/// </summary>
internal static class DuplexPump
{
    private const int BufferSize = 16 * 1024;

    public static async Task<PumpResult> RunAsync(Stream client, Stream upstream, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(upstream);
        using var idle = new CancellationTokenSource(idleTimeout, timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var fromClient = new Counter();
        var toClient = new Counter();
        var up = CopyAsync(client, upstream, fromClient, idle, idleTimeout, stop.Token);
        var down = CopyAsync(upstream, client, toClient, idle, idleTimeout, stop.Token);

        var first = await Task.WhenAny(up, down);
        var endedBy = idle.IsCancellationRequested ? "idle-timeout"
            : cancellationToken.IsCancellationRequested ? "shutdown"
            : first == up ? "client" : "upstream";
        await stop.CancelAsync();
        await Task.WhenAll(Quietly(up), Quietly(down));
        return new PumpResult(fromClient.Value, toClient.Value, endedBy);
    }

    /// <summary>Copies one way (a log) until the source ends, the client goes away or the stream idles out.</summary>
    public static async Task<PumpResult> CopyAsync(Stream from, Stream to, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource(idleTimeout, timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var counter = new Counter();
        var copy = CopyAsync(from, to, counter, idle, idleTimeout, stop.Token);
        await Quietly(copy);
        var endedBy = idle.IsCancellationRequested ? "idle-timeout"
            : cancellationToken.IsCancellationRequested ? "client"
            : copy.IsFaulted ? "error" : "upstream";
        return new PumpResult(0, counter.Value, endedBy);
    }

    private static async Task CopyAsync(Stream from, Stream to, Counter counter, CancellationTokenSource idle, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wait for data without holding a buffer, so thousands of quiet streams cost little memory.
            _ = await from.ReadAsync(Memory<byte>.Empty, cancellationToken);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await to.FlushAsync(cancellationToken);
                counter.Add(read);
                idle.CancelAfter(idleTimeout);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
        {
            // The other direction ended or the stream was cut; both sides are being closed anyway.
        }
    }

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Add(long bytes) => Interlocked.Add(ref _value, bytes);
    }
}
