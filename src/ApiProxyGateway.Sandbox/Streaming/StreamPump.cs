namespace ApiProxyGateway.Sandbox.Streaming;

/// <summary>Copies until the source ends. A pseudo-terminal reports its end as EIO, so a failed read is the end too; a failed write is not.</summary>
internal static class StreamPump
{
    public static async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await source.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await destination.FlushAsync(cancellationToken);
        }
    }
}
