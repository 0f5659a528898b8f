namespace ApiProxyGateway.Revocation;

/// <summary>Reads a revocation file whole, up to a limit, so that a wrong path (a device, a huge file) cannot exhaust memory.</summary>
internal static class BoundedFile
{
    /// <summary>The file's bytes; throws <see cref="InvalidDataException"/> naming the file when it is missing, unreadable or too large.</summary>
    public static byte[] Read(string path, int maxBytes)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[maxBytes + 1];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return length <= maxBytes
                ? buffer[..length]
                : throw new InvalidDataException($"file '{path}' is larger than {maxBytes / (1024 * 1024)} MiB");
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
