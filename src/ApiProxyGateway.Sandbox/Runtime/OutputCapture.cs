namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// Reads one output stream of a container's main process: splits it into timestamped lines for the log (a line longer
/// than 16 KiB is cut, like the CRI's partial lines) and passes every chunk on to attached clients as it arrives.
/// </summary>
internal static class OutputCapture
{
    private const int MaxLine = 16 * 1024;

    public static async Task RunAsync(Stream output, string stream, ContainerLog log, OutputFanout fanout, TimeProvider timeProvider)
    {
        var pending = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await ReadAsync(output, buffer)) > 0)
            {
                var chunk = buffer.AsMemory(0, read);
                fanout.Publish(stream, chunk.ToArray());
                var now = timeProvider.GetUtcNow();
                var start = 0;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n' || pending.Length + (i - start) + 1 >= MaxLine)
                    {
                        pending.Write(buffer, start, i - start + 1);
                        log.Append(new LogLine(now, stream, pending.ToArray()));
                        pending.SetLength(0);
                        start = i + 1;
                    }
                }

                pending.Write(buffer, start, read - start);
            }
        }
        finally
        {
            if (pending.Length > 0)
            {
                log.Append(new LogLine(timeProvider.GetUtcNow(), stream, pending.ToArray()));
            }
        }
    }

    /// <summary>A pseudo-terminal's master reports its end as EIO; a pipe as zero bytes. Both are the end here.</summary>
    private static async Task<int> ReadAsync(Stream output, byte[] buffer)
    {
        try
        {
            return await output.ReadAsync(buffer);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }
}
