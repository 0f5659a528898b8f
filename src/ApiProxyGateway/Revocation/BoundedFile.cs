using System.Buffers;

namespace ApiProxyGateway.Revocation;

/// <summary>Reads a revocation file whole, up to a limit, so that a wrong path (a device, a huge file) cannot exhaust memory.</summary>
internal static class BoundedFile
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>The file's bytes; throws <see cref="InvalidDataException"/> naming the file when it is missing, unreadable or too large.</summary>
    public static byte[] Read(string path, int maxBytes)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // Grown as the file is read, not sized for the limit up front: every reload of a small CRL allocated the
            // whole limit (32 MiB) on the large object heap.
            var content = new ArrayBufferWriter<byte>(stream.CanSeek ? (int)Math.Clamp(stream.Length + 1, 1, maxBytes + 1L) : ChunkSize);
            while (true)
            {
                var span = content.GetSpan(ChunkSize);
                var read = stream.Read(span[..Math.Min(span.Length, maxBytes + 1 - content.WrittenCount)]);
                if (read == 0)
                {
                    return content.WrittenSpan.ToArray();
                }

                content.Advance(read);
                if (content.WrittenCount > maxBytes)
                {
                    throw new InvalidDataException($"file '{path}' is larger than {maxBytes / (1024 * 1024)} MiB");
                }
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"file '{path}' does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"file '{path}' could not be read: {e.Message}", e);
        }
    }
}
