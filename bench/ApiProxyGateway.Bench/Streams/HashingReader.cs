using System.Security.Cryptography;

namespace ApiProxyGateway.Bench.Streams;

/// <summary>Reads a stream to its end (or up to <c>limit</c> bytes), counting and hashing (SHA-256) what came through.</summary>
internal static class HashingReader
{
    public static async Task<(long Bytes, string Sha256)> ReadAsync(Stream source, CancellationToken cancellationToken, long limit = long.MaxValue)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long total = 0;
        int read;
        while (total < limit && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
