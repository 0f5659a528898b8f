using System.Security.Cryptography;

namespace ApiProxyGateway.Bench.Pods;

/// <summary>
/// The bytes every stream carries: one deterministic 1 MiB pseudo-random block, repeated. Both ends derive it, so a
/// client checks a whole transfer by SHA-256 without the data ever being stored.
/// </summary>
internal static class DataPattern
{
    public const int BlockSize = 1 << 20;

    private static readonly Dictionary<long, string> Hashes = [];

    public static byte[] Block { get; } = CreateBlock();

    public static async Task WriteAsync(Stream target, long count, CancellationToken cancellationToken)
    {
        for (var left = count; left > 0;)
        {
            var chunk = (int)Math.Min(left, BlockSize);
            await target.WriteAsync(Block.AsMemory(0, chunk), cancellationToken);
            left -= chunk;
        }

        await target.FlushAsync(cancellationToken);
    }

    /// <summary>The SHA-256 (lower-case hex) of the first <paramref name="count"/> bytes of the pattern.</summary>
    public static string Sha256(long count)
    {
        lock (Hashes)
        {
            if (Hashes.TryGetValue(count, out var known))
            {
                return known;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (var left = count; left > 0;)
            {
                var chunk = (int)Math.Min(left, BlockSize);
                hash.AppendData(Block, 0, chunk);
                left -= chunk;
            }

            return Hashes[count] = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }

    private static byte[] CreateBlock()
    {
        // xorshift64*: fixed across .NET versions, unlike System.Random's unseeded algorithm choice.
        var block = new byte[BlockSize];
        var state = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < block.Length; i += 8)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            BitConverter.TryWriteBytes(block.AsSpan(i), state * 0x2545F4914F6CDD1DUL);
        }

        return block;
    }
}
