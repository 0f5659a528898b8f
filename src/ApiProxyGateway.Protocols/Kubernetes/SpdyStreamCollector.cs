using ApiProxyGateway.Protocols.Spdy;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>Waits for the client-opened streams of a remote command, keyed by their <c>streamType</c> header.</summary>
internal static class SpdyStreamCollector
{
    public static async Task<Dictionary<string, SpdyStream>> CollectAsync(
        SpdySession session, IReadOnlySet<string> expected, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var streams = new Dictionary<string, SpdyStream>(StringComparer.Ordinal);
        using var timer = new CancellationTokenSource(timeout, timeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            while (streams.Count < expected.Count)
            {
                var stream = await session.AcceptStreamAsync(deadline.Token).ConfigureAwait(false)
                    ?? throw new IOException("The client closed the connection before it created all streams.");
                var type = stream.Headers[StreamHeaders.StreamType];
                if (type is null || !expected.Contains(type) || !streams.TryAdd(type, stream))
                {
                    // The kubelet logs and ignores unexpected streams; refusing them tells the client too.
                    await stream.ResetAsync(SpdyStreamStatus.RefusedStream, cancellationToken).ConfigureAwait(false);
                }
            }

            return streams;
        }
        catch (Exception ex)
        {
            foreach (var stream in streams.Values)
            {
                try
                {
                    await stream.ResetAsync(SpdyStreamStatus.Cancel, CancellationToken.None).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The session is already gone, and the streams with it.
                }
            }

            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"timed out waiting for client to create streams ({string.Join(", ", expected.Except(streams.Keys))} missing)", ex);
            }

            throw;
        }
    }
}
