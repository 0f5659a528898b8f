using System.Security.Cryptography;

namespace ApiProxyGateway.Bench.Streams;

/// <summary>Reads a stream to its end, counting and hashing (SHA-256) what came through.</summary>
internal static class HashingReader
{
    public static async Task<(long Bytes, string Sha256)> ReadAsync(Stream source, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
