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

    /// <summary>
    /// How long a client that was told why its stream ended keeps the connection to read it: kubectl port-forward,
    /// for one, prints a forwarded connection's error only if it sees it before the connection's end. The farewell
    /// ends every stream, so the client reads it and closes the connection itself (the pump then ends at once): this
    /// bounds a client that does not, and the 1 s wait for a frame boundary, the farewell's write and this linger stay
    /// inside the 10 s the host gives after the drain period. Cutting at 2 s raced a kubectl starved on a busy machine,
    /// which then printed "lost connection to pod" instead of the reason.
    /// </summary>
    public static readonly TimeSpan FarewellLinger = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Copies both ways until a side ends, the stream idles out or <paramref name="cancellationToken"/> ends it; then
    /// <paramref name="firstSideEnded"/> runs, if given, before what is left is cut (a relay that owns the client's
    /// side tells it why there, while nothing else writes to it, and returns whether it did: the client then has a
    /// moment to read it before the rest is cut, unless it leaves first). With a <paramref name="seal"/>, every chunk goes
    /// through it, so that the stream can be ended at a frame boundary with a farewell.
    /// </summary>
    /// <remarks>
    /// The kubelet's side is copied as <see cref="CoalescingCopyAsync"/> does, so its zero-byte read must wait for data
    /// (HttpClient's upgraded streams' does): a kubelet writes a SPDY frame's header and its data separately (Go's
    /// framer, three writes per data frame), each its own TLS record, and relayed one by one each became a record and
    /// a system call towards the client.
    /// Steps: copy both ways; wait for a side to end, or for the seal to have cut the kubelet's side (a copy towards a
    /// client that reads nothing may not notice); run <paramref name="firstSideEnded"/>; if it told the client why, wait
    /// for the other side to end (the client's, after a seal: its bytes are read and dropped meanwhile, so typing, a
    /// resize or a SPDY PING or WINDOW_UPDATE does not cut it) for at most <see cref="FarewellLinger"/>; then stop both
    /// copies and wait for them. Without a seal, a client whose bytes fail on their way to the gone upstream during the
    /// linger has the rest of them read and dropped in the same way.
    /// </remarks>
    public static async Task<PumpResult> RunAsync(Stream client, Stream upstream, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken,
        Func<Task<bool>>? firstSideEnded = null, PassthroughSeal? seal = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(timeProvider);
        using var idle = new IdleWatch(idleTimeout, timeProvider, cancellationToken);
        ByteCount fromClient = new(), toClient = new();
        var up = seal is null ? CopyAsync(client, upstream, idle, fromClient) : FromClientThroughAsync(seal, client, idle, fromClient);
        var down = CoalescingCopyAsync(upstream, client, idle, toClient, seal is null ? null : seal.ToClientAsync, stopOnFailure: false);

        Task[] ends = seal is null ? [up, down] : [up, down, seal.Cut];
        var first = await Task.WhenAny(ends);
        var endedBy = idle.IdledOut ? "idle-timeout"
            : cancellationToken.IsCancellationRequested ? "shutdown"
            : first == up ? "client" : "upstream";
        Task? dropping = null;
        if (firstSideEnded is not null && await firstSideEnded())
        {
            using var linger = new CancellationTokenSource(FarewellLinger, timeProvider);
            var lingering = Task.Delay(Timeout.InfiniteTimeSpan, linger.Token);
            await Task.WhenAny(first == up ? down : up, lingering);
            if (seal is null && up.IsFaulted && client.CanRead && !lingering.IsCompleted)
            {
                // The upstream is gone (the guard cut it), so the client's bytes failed on their way there, before or
                // after the farewell; while the client's connection stands, what it sends is read and dropped until it
                // closes or the linger is over, as on a sealed stream: cut at its next byte, a client still sending
                // (port-forward data in flight) would be reset before it has read why its stream ended.
                dropping = CopyAsync(client, Stream.Null, idle, new ByteCount());
                await Task.WhenAny(dropping, lingering);
            }
        }

        await idle.StopAsync();
        await Quietly(up);
        await Quietly(down);
        if (dropping is not null)
        {
            await Quietly(dropping);
        }
        return new PumpResult(fromClient.Value, toClient.Value, endedBy);
    }

    /// <summary>Copies one way (a log) until the source ends, the client goes away or the stream idles out.</summary>
    public static async Task<PumpResult> CopyAsync(Stream from, Stream to, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var idle = new IdleWatch(idleTimeout, timeProvider, cancellationToken);
        var count = new ByteCount();
        var copy = CoalescingCopyAsync(from, to, idle, count);
        await Quietly(copy);
        var endedBy = idle.IdledOut ? "idle-timeout"
            : cancellationToken.IsCancellationRequested ? "client"
            : copy.IsFaulted ? "error" : "upstream";
        return new PumpResult(0, count.Value, endedBy);
    }

    /// <summary>
    /// Copies until the source ends (true) or <paramref name="forward"/>, which then writes each chunk itself, says to
    /// stop (false), counting bytes. Exceptions propagate to the caller.
    /// </summary>
    public static async Task<bool> CopyAsync(Stream from, Stream to, IdleWatch idle, ByteCount count,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<bool>>? forward = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(idle);
        ArgumentNullException.ThrowIfNull(count);
        while (true)
        {
            // Wait for data without holding a buffer, so thousands of quiet streams cost little memory. A source that is
            // no longer readable has ended: a WebSocketStream once the peer's close frame has arrived.
            _ = await from.ReadAsync(Memory<byte>.Empty, idle.Token);
            if (!from.CanRead)
            {
                return true;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var read = await from.ReadAsync(buffer, idle.Token);
                if (read == 0)
                {
                    return true;
                }

                if (forward is null)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), idle.Token);
                    await to.FlushAsync(idle.Token);
                }
                else if (!await forward(buffer.AsMemory(0, read), idle.Token))
                {
                    return false;
                }

                count.Add(read);
                idle.Touch();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// The client's side of a sealed stream: through the seal while it is open; once it refuses (the stream is being
    /// ended), read on and drop what comes, uncounted, until the client closes or the pump stops it. Ending here at the
    /// client's next byte would cut a client that types, resizes or answers a PING while it reads the farewell.
    /// </summary>
    private static async Task FromClientThroughAsync(PassthroughSeal seal, Stream client, IdleWatch idle, ByteCount count)
    {
        if (!await CopyAsync(client, Stream.Null, idle, count, seal.ToUpstreamAsync)) // the seal writes to the kubelet itself
        {
            await CopyAsync(client, Stream.Null, idle, new ByteCount(), static (_, _) => ValueTask.FromResult(true));
        }
    }

    /// <summary>
    /// Copies one way like <see cref="CopyAsync(Stream, Stream, IdleWatch, ByteCount, Func{ReadOnlyMemory{byte}, CancellationToken, ValueTask{bool}}?)"/>,
    /// but writes what has already arrived in one piece: the kubelet flushes a log line by line (its flushwriter), and
    /// written and flushed one by one, each line of a 7 MB log cost its own HTTP/2 frame, TLS record and system call.
    /// Nothing waits for more data: after each read, a zero-byte read asks whether more is there now; when it is not,
    /// what was read goes out at once (a followed log's new line arrives as soon as before) and the wait for more holds
    /// no buffer. The source's zero-byte read must wait for data, as HttpClient's response streams' do.
    /// </summary>
    /// <remarks>
    /// A failure (or <paramref name="forward"/> saying to stop) may leave the next wait pending on the source: with
    /// <paramref name="stopOnFailure"/> the idle watch is stopped to cancel it, so nothing reads the source once this
    /// has returned; without, it stays until the caller stops the watch or closes the source (the duplex pump, whose
    /// other direction may still have to carry a farewell), and nothing else may read the source meanwhile. Its end is
    /// observed either way. The wait is asked for before what was read is written, so a stream whose client reads
    /// slowly may have the source's next record decrypted and held meanwhile.
    /// </remarks>
    public static async Task<bool> CoalescingCopyAsync(Stream from, Stream to, IdleWatch idle, ByteCount count,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<bool>>? forward = null, bool stopOnFailure = true)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(idle);
        ArgumentNullException.ThrowIfNull(count);
        // The wait for data: a zero-byte read, which holds no buffer (thousands of followed logs stay quiet for long).
        var waiting = from.ReadAsync(Memory<byte>.Empty, idle.Token).AsTask();
        bool ended;
        try
        {
            ended = await CoalesceAsync();
        }
        catch
        {
            if (stopOnFailure)
            {
                await idle.StopAsync();
            }

            Observe(waiting);
            throw;
        }

        if (!ended)
        {
            Observe(waiting);
        }

        return ended;

        async Task<bool> CoalesceAsync()
        {
            while (true)
            {
                _ = await waiting;
                if (!from.CanRead)
                {
                    return true;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    var filled = 0;
                    var ended = false;
                    while (true)
                    {
                        var read = await from.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), idle.Token);
                        if (read == 0)
                        {
                            ended = true;
                            break;
                        }

                        filled += read;
                        // Not completed, or failed (the kubelet's connection cut): what was read goes out first.
                        var more = from.ReadAsync(Memory<byte>.Empty, idle.Token);
                        if (filled == BufferSize || !more.IsCompletedSuccessfully)
                        {
                            waiting = more.AsTask();
                            break;
                        }

                        _ = more.GetAwaiter().GetResult(); // completed: more data is there now
                        if (!from.CanRead)
                        {
                            ended = true;
                            break;
                        }
                    }

                    if (filled > 0)
                    {
                        var chunk = buffer.AsMemory(0, filled);
                        if (forward is null)
                        {
                            await to.WriteAsync(chunk, idle.Token);
                            await to.FlushAsync(idle.Token);
                        }
                        else if (!await forward(chunk, idle.Token))
                        {
                            return false;
                        }

                        count.Add(filled);
                        idle.Touch();
                    }

                    if (ended)
                    {
                        return true;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    /// <summary>Observes the end of a wait left pending, so that its failure (the source closed under it) goes unreported.</summary>
    private static void Observe(Task<int> waiting) =>
        _ = waiting.ContinueWith(static wait => _ = wait.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Waits for a copy that is being stopped; a cut stream is the expected way for it to end.</summary>
    public static async Task Quietly(Task copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        try
        {
            await copy;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or InvalidOperationException or NotSupportedException)
        {
            // The other direction ended or the stream was cut (a WebSocketStream refuses reads once its socket is
            // aborted); both sides are being closed anyway.
        }
    }
}
