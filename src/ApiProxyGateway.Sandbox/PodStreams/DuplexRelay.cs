namespace ApiProxyGateway.Sandbox.PodStreams;

/// <summary>Copies bytes both ways between two upgraded connections; when either direction ends, both are closed (as UpgradeAwareHandler does).</summary>
internal static class DuplexRelay
{
    public static async Task RunAsync(Stream client, Stream upstream, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toUpstream = CopyAsync(client, upstream, stop.Token);
        var toClient = CopyAsync(upstream, client, stop.Token);
        await Task.WhenAny(toUpstream, toClient);
        await stop.CancelAsync();
        await client.DisposeAsync();
        await upstream.DisposeAsync();
        await Task.WhenAll(toUpstream, toClient);
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await to.FlushAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
        {
            // One side went away; the relay ends.
        }
    }
}
